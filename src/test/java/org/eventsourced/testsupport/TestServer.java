package org.eventsourced.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eventsourced.Server;
import org.eventsourced.config.Config;
import org.eventsourced.config.ConfigLoader;

/**
 * An eventsourced server on 127.0.0.1, port 0, against the test broker. The YAML given is
 * applied on top of test defaults (the broker's URL, a short heartbeat).
 */
public final class TestServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final Server server;
    private final Config config;

    private TestServer(Server server, Config config) {
        this.server = server;
        this.config = config;
    }

    /** Starts against the test broker and waits until it is connected. */
    public static TestServer start(String extraYaml) {
        TestServer server = start(extraYaml, TestBroker.get().url());
        Await.until(() -> server.server().nodeStatus().stream().anyMatch(n -> n.connected()),
                Duration.ofSeconds(10), () -> "the test server connected to the broker");
        return server;
    }

    /** Starts with {@code brokerUrl} as the only node (e.g. a proxy in front of the broker). */
    public static TestServer start(String extraYaml, String brokerUrl) {
        Config config = config(extraYaml, brokerUrl);
        try {
            return new TestServer(Server.start(config, List.of("eventsourced-test")), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The config a test server would run with, without starting it. */
    public static Config config(String extraYaml, String brokerUrl) {
        try {
            Path base = Files.createTempFile("eventsourced-test-base", ".yml");
            Files.writeString(base, """
                    server:
                      address: 127.0.0.1:0
                    broker:
                      node:
                        - %s
                    """.formatted(brokerUrl));
            Path extra = Files.createTempFile("eventsourced-test", ".yml");
            Files.writeString(extra, extraYaml);
            try {
                return ConfigLoader.load(List.of(base), Optional.of(extra));
            } finally {
                Files.deleteIfExists(base);
                Files.deleteIfExists(extra);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public InetSocketAddress address() {
        return server.address();
    }

    public Server server() {
        return server;
    }

    public Config config() {
        return config;
    }

    public String url(String pathAndQuery) {
        return "http://127.0.0.1:" + address().getPort() + pathAndQuery;
    }

    /** Opens a stream on {@code ?id=queue} and waits for its head. */
    public SseClient stream(String queue, String... headerLines) throws IOException {
        return SseClient.get(address(), "/?id=" + queue, headerLines);
    }

    public HttpResponse<String> get(String pathAndQuery) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url(pathAndQuery))).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits until {@code count} streams are open (their consumers are registered). */
    public void awaitOpenStreams(int count) {
        Await.until(() -> server.metrics().openStreams() == count, Duration.ofSeconds(10),
                () -> count + " open streams, have " + server.metrics().openStreams());
    }

    @Override
    public void close() {
        server.close();
    }
}
