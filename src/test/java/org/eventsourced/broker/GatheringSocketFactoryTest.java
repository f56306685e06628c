package org.eventsourced.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.eventsourced.config.BrokerNode;
import org.eventsourced.testsupport.Await;
import org.junit.jupiter.api.Test;

/** The AMQP socket's gathering reads, on a real loopback connection. */
class GatheringSocketFactoryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A connected pair: the client side made by the factory, the server side accepted. */
    private record Pair(Socket client, Socket server) implements AutoCloseable {
        static Pair open(long gatherNanos, int minBytes) throws IOException {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Socket client = new GatheringSocketFactory(gatherNanos, minBytes)
                        .createSocket(listener.getInetAddress(), listener.getLocalPort());
                return new Pair(client, listener.accept());
            }
        }

        void send(byte[] bytes) throws IOException {
            OutputStream out = server.getOutputStream();
            out.write(bytes);
            out.flush();
        }

        /** Waits until at least {@code n} bytes can be read without blocking. */
        void awaitAvailable(int n) {
            Await.until(() -> available() >= n, WAIT, () -> n + " bytes readable");
        }

        private int available() {
            try {
                return client.getInputStream().available();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            client.close();
            server.close();
        }
    }

    @Test
    void plainBrokerConnectionsGatherAndTlsOnesUseTheJdkFactory() {
        assertInstanceOf(GatheringSocketFactory.class,
                Node.factory(BrokerNode.of("amqp://guest:guest@127.0.0.1:5672/"), 0, null).getSocketFactory());
        assertInstanceOf(SSLSocketFactory.class,
                Node.factory(BrokerNode.of("amqps://guest:guest@127.0.0.1:5671/"), 0, null).getSocketFactory());
    }

    @Test
    void readSoonAfterOneThatDrainedTheSocketWaitsOutTheGatherInterval() throws Exception {
        long gather = TimeUnit.MILLISECONDS.toNanos(300);
        try (Pair pair = Pair.open(gather, 8)) {
            InputStream in = pair.client().getInputStream();
            byte[] buffer = new byte[64];
            pair.send(new byte[] {1, 1, 1, 1, 1, 1, 1, 1});
            pair.awaitAvailable(8);
            long beforeFirstRead = System.nanoTime(); // no later than the stream's own mark
            assertEquals(8, in.read(buffer, 0, buffer.length));
            pair.send(new byte[] {2});
            pair.awaitAvailable(1);
            assertEquals(1, in.read(buffer, 0, buffer.length));
            long waited = System.nanoTime() - beforeFirstRead;
            assertTrue(waited >= gather, "the second read returned " + waited + " ns after the first began, before the "
                    + gather + " ns gather interval had passed");
            assertEquals(2, buffer[0]);
        }
    }

    @Test
    void readAfterOneOfFewerThanMinBytesDoesNotWait() throws Exception {
        try (Pair pair = Pair.open(TimeUnit.HOURS.toNanos(1), 8)) {
            InputStream in = pair.client().getInputStream();
            byte[] buffer = new byte[64];
            pair.send(new byte[] {1, 2, 3, 4, 5, 6, 7});
            pair.awaitAvailable(7);
            assertEquals(7, in.read(buffer, 0, buffer.length));
            pair.send(new byte[] {9});
            assertTimeoutPreemptively(WAIT, () -> assertEquals(1, in.read(buffer, 0, buffer.length)),
                    "no gathering after a read of fewer than 8 bytes");
            assertEquals(9, buffer[0]);
        }
    }

    @Test
    void readAfterOneThatFilledTheBufferDoesNotWait() throws Exception {
        long anHour = TimeUnit.HOURS.toNanos(1);
        try (Pair pair = Pair.open(anHour, 1)) {
            InputStream in = pair.client().getInputStream();
            pair.send(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            pair.awaitAvailable(8);
            byte[] buffer = new byte[8];
            assertEquals(8, in.read(buffer, 0, 8));
            pair.send(new byte[] {9});
            assertTimeoutPreemptively(WAIT, () -> assertEquals(1, in.read(buffer, 0, 8)), "no gathering after a full read");
            assertEquals(9, buffer[0]);
        }
    }

    @Test
    void everyByteArrivesInOrder() throws Exception {
        byte[] payload = new byte[300_000];
        new Random(42).nextBytes(payload);
        try (Pair pair = Pair.open(TimeUnit.MICROSECONDS.toNanos(100), 400)) {
            Thread sender = Thread.ofVirtual().start(() -> {
                try {
                    for (int off = 0; off < payload.length; off += 1000) {
                        pair.server().getOutputStream().write(payload, off, Math.min(1000, payload.length - off));
                    }
                    pair.server().shutdownOutput();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = pair.client().getInputStream();
            byte[] buffer = new byte[8192];
            assertTimeoutPreemptively(WAIT, () -> {
                for (int n = in.read(buffer, 0, buffer.length); n >= 0; n = in.read(buffer, 0, buffer.length)) {
                    received.write(buffer, 0, n);
                }
            });
            sender.join();
            assertArrayEquals(payload, received.toByteArray());
        }
    }
}
