package org.eventsourced.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eventsourced.metrics.NodeStatus;
import org.eventsourced.testsupport.Await;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.TcpProxy;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.junit.jupiter.api.Test;

/** Streams beyond one connection's channel_max, and several nodes. */
class PoolScalingTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final TestBroker BROKER = TestBroker.get();

    private static List<SseClient> openStreams(TestServer server, List<String> queues) throws Exception {
        List<SseClient> clients = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<SseClient>> futures = new ArrayList<>();
            for (String queue : queues) {
                futures.add(pool.submit(() -> server.stream(queue)));
            }
            for (Future<SseClient> f : futures) {
                clients.add(f.get());
            }
        }
        return clients;
    }

    private static int connections(TestServer server) {
        return server.server().nodeStatus().stream().mapToInt(NodeStatus::connections).sum();
    }

    @Test
    void channelMaxExhaustionOpensMoreConnectionsAndShrinksAfter() throws Exception {
        try (TestServer server = TestServer.start("""
                broker:
                  channel_max: 8
                """)) {
            List<String> queues = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                queues.add(TestBroker.uniqueQueue("chmax" + i));
            }
            List<SseClient> clients = openStreams(server, queues);
            try {
                for (SseClient c : clients) {
                    assertEquals(200, c.status());
                }
                assertTrue(connections(server) >= 7, "spread over >= 7 connections: " + server.server().nodeStatus());
                for (int i = 0; i < queues.size(); i++) {
                    BROKER.publish(queues.get(i), "to " + i);
                }
                for (int i = 0; i < clients.size(); i++) {
                    assertEquals("to " + i, clients.get(i).nextEvent(WAIT).data());
                }
            } finally {
                queues.forEach(BROKER::delete);
                clients.forEach(SseClient::close);
            }
            server.awaitOpenStreams(0);
            Await.until(() -> connections(server) == 1, WAIT,
                    () -> "connections shrink back to 1: " + server.server().nodeStatus());
        }
    }

    @Test
    void withOneOfTwoNodesCutNewStreamsGoToTheHealthyOne() throws Exception {
        try (TcpProxy flaky = TcpProxy.to(BROKER.host(), BROKER.port());
                TcpProxy healthy = TcpProxy.to(BROKER.host(), BROKER.port())) {
            String yaml = """
                    broker:
                      node:
                        - %s
                        - %s
                    """.formatted(flaky.amqpUrl(), healthy.amqpUrl());
            try (TestServer server = TestServer.start(yaml)) {
                Await.until(() -> server.server().nodeStatus().stream().allMatch(NodeStatus::connected), WAIT,
                        () -> "both nodes up");
                flaky.cut();
                Await.until(() -> !server.server().nodeStatus().get(0).connected(), WAIT, () -> "first node down");
                List<String> queues = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    queues.add(TestBroker.uniqueQueue("twonodes" + i));
                }
                List<SseClient> clients = openStreams(server, queues);
                try {
                    for (int i = 0; i < clients.size(); i++) {
                        assertEquals(200, clients.get(i).status(), "stream " + i);
                        BROKER.publish(queues.get(i), "m");
                        assertEquals("m", clients.get(i).nextEvent(WAIT).data());
                    }
                    // two more channels are the control bus of the node (see ControlBus)
                    assertEquals(12, server.server().nodeStatus().get(1).channels());
                } finally {
                    queues.forEach(BROKER::delete);
                    clients.forEach(SseClient::close);
                }
            }
        }
    }

    @Test
    void streamsSpreadOverHealthyNodes() throws Exception {
        String yaml = """
                broker:
                  node:
                    - %s
                    - %s
                """.formatted(BROKER.url(), BROKER.url());
        try (TestServer server = TestServer.start(yaml)) {
            Await.until(() -> server.server().nodeStatus().stream().allMatch(NodeStatus::connected), WAIT,
                    () -> "both nodes up");
            List<String> queues = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                queues.add(TestBroker.uniqueQueue("spread" + i));
            }
            List<SseClient> clients = new ArrayList<>();
            for (String queue : queues) {
                clients.add(server.stream(queue));
            }
            try {
                List<NodeStatus> nodes = server.server().nodeStatus();
                assertEquals(5 + 2, nodes.get(0).channels(), nodes.toString());
                assertEquals(5 + 2, nodes.get(1).channels(), nodes.toString());
            } finally {
                queues.forEach(BROKER::delete);
                clients.forEach(SseClient::close);
            }
        }
    }
}
