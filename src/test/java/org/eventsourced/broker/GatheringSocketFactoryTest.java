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

    /** Sends {@code bytes}, waits until they can be read and reads them in one call. */
    private static void sendAndRead(Pair pair, byte[] bytes, int bufferSize) throws IOException {
        pair.send(bytes);
        pair.awaitAvailable(bytes.length);
        byte[] buffer = new byte[bufferSize];
        assertEquals(bytes.length, pair.client().getInputStream().read(buffer, 0, bufferSize));
    }

    /** Sends one byte and expects the next read to return it at once, not after an hour's gathering. */
    private static void nextReadDoesNotWait(Pair pair, String why) throws IOException {
        pair.send(new byte[] {9});
        byte[] buffer = new byte[64];
        assertTimeoutPreemptively(WAIT, () -> assertEquals(1, pair.client().getInputStream().read(buffer, 0, 64)), why);
        assertEquals(9, buffer[0]);
    }

    @Test
    void readAfterTwoDrainingReadsInQuickSuccessionWaitsOutTheGatherInterval() throws Exception {
        long gather = TimeUnit.MILLISECONDS.toNanos(500); // the second read must come within 1 s of the first
        try (Pair pair = Pair.open(gather, 8)) {
            sendAndRead(pair, new byte[] {1, 1, 1, 1, 1, 1, 1, 1}, 64);
            pair.send(new byte[] {2, 2, 2, 2, 2, 2, 2, 2});
            pair.awaitAvailable(8);
            long beforeSecondRead = System.nanoTime(); // no later than the stream's own mark
            byte[] buffer = new byte[64];
            InputStream in = pair.client().getInputStream();
            assertEquals(8, in.read(buffer, 0, buffer.length));
            pair.send(new byte[] {3});
            pair.awaitAvailable(1);
            assertEquals(1, in.read(buffer, 0, buffer.length));
            long waited = System.nanoTime() - beforeSecondRead;
            assertTrue(waited >= gather, "the third read returned " + waited + " ns after the second began, before the "
                    + gather + " ns gather interval had passed");
            assertEquals(3, buffer[0]);
        }
    }

    @Test
    void aDrainingReadAfterAQuietSpellDoesNotStartAGathering() throws Exception {
        try (Pair pair = Pair.open(TimeUnit.HOURS.toNanos(1), 8)) {
            sendAndRead(pair, new byte[] {1, 1, 1, 1, 1, 1, 1, 1}, 64);
            nextReadDoesNotWait(pair, "no gathering after the first draining read");
        }
    }

    @Test
    void readOfFewerThanMinBytesDoesNotCountAsBusy() throws Exception {
        try (Pair pair = Pair.open(TimeUnit.HOURS.toNanos(1), 8)) {
            sendAndRead(pair, new byte[] {1, 2, 3, 4, 5, 6, 7}, 64);
            sendAndRead(pair, new byte[] {1, 1, 1, 1, 1, 1, 1, 1}, 64);
            nextReadDoesNotWait(pair, "a read of fewer than 8 bytes before the draining one: no gathering");
        }
    }

    @Test
    void readAfterOneThatFilledTheBufferDoesNotWait() throws Exception {
        try (Pair pair = Pair.open(TimeUnit.HOURS.toNanos(1), 1)) {
            sendAndRead(pair, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 8);
            sendAndRead(pair, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 8);
            nextReadDoesNotWait(pair, "no gathering after a full read");
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
