/** RabbitMQ: the connection pool, and each stream's channel, queue and consumer. */
package org.eventsourced.broker;
