package org.eventsourced.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntFunction;
import org.eventsourced.testsupport.Await;

/**
 * Debian's nginx as a foreground, single-process server on 127.0.0.1 and a free port, with
 * everything it writes (pid, logs, temp files) in a temp directory of its own.
 */
final class Nginx implements AutoCloseable {
    private final Process process;
    private final Thread shutdownHook;
    private final Path dir;
    private final int port;

    private Nginx(Process process, Thread shutdownHook, Path dir, int port) {
        this.process = process;
        this.shutdownHook = shutdownHook;
        this.dir = dir;
        this.port = port;
    }

    /**
     * Starts nginx with {@code http} as the body of its {@code http { }} block.
     *
     * @param http given the port to listen on, returns the upstreams and servers
     */
    static Nginx start(IntFunction<String> http) {
        Path binary = Executables.find("nginx").orElseThrow(() -> new AssertionError("""
                The reverse-proxy tests need Debian's nginx (/usr/sbin/nginx) and it is not installed.
                Install it with: apt-get install -y nginx"""));
        AssertionError last = null;
        // the port is free when chosen but could be taken before nginx binds it: try again
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return start(binary, freePort(), http);
            } catch (PortTaken e) {
                last = new AssertionError(e.getMessage());
            }
        }
        throw last;
    }

    private static Nginx start(Path binary, int port, IntFunction<String> http) throws PortTaken {
        Path dir;
        try {
            dir = Files.createTempDirectory("eventsourced-nginx");
            Files.writeString(dir.resolve("nginx.conf"), """
                    daemon off;
                    master_process off;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log info;
                    events {
                        worker_connections 64;
                    }
                    http {
                        # how the upstream framed each response: chunked (HTTP/1.1) or - (HTTP/1.0)
                        log_format e2e '$status "$request" upstream_te=$upstream_http_transfer_encoding';
                        access_log %1$s/access.log e2e;
                        client_body_temp_path %1$s/client_body;
                        proxy_temp_path %1$s/proxy;
                        fastcgi_temp_path %1$s/fastcgi;
                        uwsgi_temp_path %1$s/uwsgi;
                        scgi_temp_path %1$s/scgi;
                    %2$s
                    }
                    """.formatted(dir, http.apply(port).indent(4)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process process;
        try {
            process = new ProcessBuilder(binary.toString(), "-e", dir.resolve("error.log").toString(),
                    "-p", dir + "/", "-c", dir.resolve("nginx.conf").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("output.log").toFile())
                    .start();
        } catch (IOException e) {
            Executables.deleteTree(dir);
            throw new AssertionError("cannot start " + binary + ": " + e, e);
        }
        Nginx nginx = new Nginx(process, Executables.killOnExit(process), dir, port);
        Await.until(() -> !process.isAlive() || answers(port), Duration.ofSeconds(10),
                () -> "nginx listening on 127.0.0.1:" + port + "\n" + nginx.log());
        if (!process.isAlive()) {
            String log = nginx.log();
            nginx.close();
            if (log.contains("Address already in use")) {
                throw new PortTaken("port " + port + " was taken:\n" + log);
            }
            throw new AssertionError("nginx did not start (exit " + process.exitValue() + "):\n" + log);
        }
        return nginx;
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** The access log: one line per finished request, {@code STATUS "REQUEST" upstream_te=...}. */
    String accessLog() {
        try {
            Path file = dir.resolve("access.log");
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What nginx wrote to its error log and stderr, for failure messages. */
    String log() {
        StringBuilder out = new StringBuilder();
        for (String name : new String[] {"output.log", "error.log"}) {
            try {
                Path file = dir.resolve(name);
                if (Files.exists(file)) {
                    out.append("--- nginx ").append(name).append('\n').append(Files.readString(file));
                }
            } catch (IOException e) {
                out.append("(cannot read ").append(name).append(": ").append(e).append(")\n");
            }
        }
        return out.toString();
    }

    /** Stops nginx (fails if it is still alive afterwards) and removes its directory. */
    @Override
    public void close() {
        try {
            Executables.stop(process, shutdownHook);
        } finally {
            Executables.deleteTree(dir);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** nginx could not bind the port chosen for it. */
    private static final class PortTaken extends Exception {
        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message);
        }
    }
}
