package org.eventsourced.testsupport;

import java.net.URI;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/** The fallback broker for machines with Docker and no local RabbitMQ; started once, never stopped. */
final class Containers {
    private Containers() {
    }

    static URI rabbitMq() {
        RabbitMQContainer container = new RabbitMQContainer("rabbitmq:3.13-alpine");
        container.start();
        return URI.create(container.getAmqpUrl().replace("amqp://", "amqp://guest:guest@") + "/");
    }
}
