package org.eventsourced.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy on 127.0.0.1 for fault tests: {@link #cut()} drops every connection and
 * refuses new ones (a broker or server that went away), {@link #restore()} listens again on
 * the same port, {@link #freeze()} stops forwarding without closing anything (a peer that
 * died silently).
 */
public final class TcpProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final int port;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private ServerSocket listener; // guarded by lock
    private volatile boolean frozen;

    private TcpProxy(InetSocketAddress target, ServerSocket listener) {
        this.target = target;
        this.listener = listener;
        this.port = listener.getLocalPort();
        accept(listener);
    }

    public static TcpProxy to(String host, int port) {
        try {
            ServerSocket listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            return new TcpProxy(new InetSocketAddress(host, port), listener);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** An AMQP URL through this proxy, for a server's {@code broker.node}. */
    public String amqpUrl() {
        return "amqp://guest:guest@127.0.0.1:" + port + "/";
    }

    private void accept(ServerSocket server) {
        Thread.ofVirtual().name("proxy-accept").start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket(target.getHostString(), target.getPort());
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException e) {
                    // listener closed by cut(), or the target refused: the client sees a close
                }
            }
        });
    }

    private void pump(Socket from, Socket to) {
        Thread.ofVirtual().name("proxy-pump").start(() -> {
            byte[] buffer = new byte[16384];
            try (from; to) {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    while (frozen && !from.isClosed()) {
                        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // either side closed
            } finally {
                sockets.remove(from);
                sockets.remove(to);
            }
        });
    }

    /** Closes every proxied connection and stops listening. */
    public void cut() {
        lock.lock();
        try {
            closeQuietly(listener);
            for (Socket s : sockets) {
                closeQuietly(s);
            }
            sockets.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Listens again on the same port. */
    public void restore() {
        lock.lock();
        try {
            frozen = false;
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress("127.0.0.1", port));
            listener = server;
            accept(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    /** Stops forwarding bytes in both directions; connections stay open. */
    public void freeze() {
        frozen = true;
    }

    public int openConnections() {
        return sockets.size() / 2;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (Exception e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        frozen = false;
        cut();
    }
}
