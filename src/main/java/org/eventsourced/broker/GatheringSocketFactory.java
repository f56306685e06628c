package org.eventsourced.broker;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.locks.LockSupport;
import javax.net.SocketFactory;

/**
 * Plain AMQP sockets whose reads gather on a busy connection: once two reads in a row brought at
 * least {@code minBytes} each and the second drained the socket less than twice
 * {@code gatherNanos} after the first, the next read waits until {@code gatherNanos} after that
 * second one, so that one wake-up of the connection's reader takes the deliveries of the interval
 * together.
 *
 * <p>Why: with many streams that each get one message at a time, the broker's deliveries arrive
 * one by one; the reader woke for about every second message, and handing those to their streams
 * woke both carrier threads for every read (bench, 100 streams: 1.1-1.2 thread switches and
 * 22 us of server CPU per message, a loopback write and a wake-up of the client's reader each).
 * Gathered, the streams of one read also write together, so their clients wake together too.
 *
 * <p>Why only when busy: a wait that finds nothing costs a timer wake-up of its own. When
 * deliveries come further apart than the interval (1,000 msg/s on one connection), waiting after
 * each of them cost the reader a third more CPU per message and gathered nothing. Twice the
 * interval, because a read after a wait returns at least one interval after the read before it:
 * gathering goes on as long as deliveries keep arriving within the next interval. A read that
 * fills the caller's buffer starts no wait (more is queued behind it); a read of less than
 * {@code minBytes}, such as an RPC reply of a stream open, does not count as busy. So an
 * idle stream sees no delay, a busy connection at most {@code gatherNanos} per message. TLS
 * sockets come from the JDK's factory and do not gather.
 */
final class GatheringSocketFactory extends SocketFactory {
    private final long gatherNanos;
    private final int minBytes;

    GatheringSocketFactory(long gatherNanos, int minBytes) {
        this.gatherNanos = gatherNanos;
        this.minBytes = minBytes;
    }

    @Override
    public Socket createSocket() {
        return new GatheringSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        Socket socket = createSocket();
        try {
            if (local != null) {
                socket.bind(local);
            }
            socket.connect(remote);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Reads the factory's gatherNanos and minBytes. */
    private final class GatheringSocket extends Socket {
        private volatile InputStream in;

        /** amqp-client asks once, from the thread that opens the connection. */
        @Override
        public InputStream getInputStream() throws IOException {
            InputStream stream = in;
            if (stream == null) {
                stream = new GatheringInputStream(super.getInputStream());
                in = stream;
            }
            return stream;
        }
    }

    /** Read by one thread at a time: the connection's reader. Reads the factory's settings. */
    private final class GatheringInputStream extends FilterInputStream {
        /** When the last read of minBytes or more returned, else 0 (none since a small one). */
        private long busyAtNanos;
        /** Whether the next read waits: the last read drained the socket soon after the one before. */
        private boolean gathering;

        GatheringInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (gathering) {
                long until = busyAtNanos + gatherNanos;
                for (long wait = until - System.nanoTime(); wait > 0; wait = until - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
            }
            int n = super.read(b, off, len);
            if (n < minBytes) {
                gathering = false;
                busyAtNanos = 0;
            } else {
                long now = System.nanoTime();
                gathering = n < len && busyAtNanos != 0 && now - busyAtNanos < 2 * gatherNanos;
                busyAtNanos = now;
            }
            return n;
        }
    }
}
