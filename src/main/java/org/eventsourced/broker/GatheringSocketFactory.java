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
 * Plain AMQP sockets whose reads gather: a read that comes less than {@code gatherNanos} after
 * one that brought at least {@code minBytes} and drained the socket waits until that much time
 * has passed, so that one wake-up of the connection's reader takes the deliveries of the
 * interval together.
 *
 * <p>Why: with many streams that each get one message at a time, the broker's deliveries arrive
 * one by one; the reader woke for about every second message, and handing those to their streams
 * woke both carrier threads for every read (bench, 100 streams: 1.1-1.2 thread switches and
 * 22 us of server CPU per message, a loopback write and a wake-up of the client's reader each).
 * Gathered, the streams of one read also write together, so their clients wake together too.
 *
 * <p>Only a busy connection gathers. A read that fills the caller's buffer never waits (more is
 * queued behind it); neither does the first read after a quiet spell, nor one after a read of
 * less than {@code minBytes}, such as the RPC replies of stream opens, where a wait would mostly
 * find nothing and cost a timer wake-up of its own. So an idle stream sees no delay, a busy
 * connection at most {@code gatherNanos} per message. TLS sockets come from the JDK's factory and
 * do not gather.
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
        /** When the last read returned that brought minBytes or more and drained the socket, else 0. */
        private long drainedAtNanos;

        GatheringInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (drainedAtNanos != 0) {
                long until = drainedAtNanos + gatherNanos;
                for (long wait = until - System.nanoTime(); wait > 0; wait = until - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
            }
            drainedAtNanos = 0;
            int n = super.read(b, off, len);
            if (n >= minBytes && n < len) {
                drainedAtNanos = System.nanoTime();
            }
            return n;
        }
    }
}
