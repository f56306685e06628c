package org.eventsourced.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigPrinterTest {
    @TempDir
    Path dir;

    @Test
    void defaultsPrintEveryKeyInTheDocumentedOrderAndUnits() {
        assertEquals("""
                # effective configuration (defaults, no config file found)
                server:
                  address: 0.0.0.0:2069
                  heartbeat: 15
                  retry: 3000
                  shutdown_timeout: 10
                  write_timeout: 30
                broker:
                  node:
                    - amqp://guest:****@127.0.0.1:5672/
                  channel_max: 0
                queue:
                  pattern: ${query:id}
                  expire: 1800
                  prefetch: 2000
                  type: classic
                  takeover: reconnect
                delivery:
                  ack_delay: 3
                  ack_window: 500
                header:
                  cors:
                    Access-Control-Allow-Origin: '*'
                    Access-Control-Allow-Methods: GET, OPTIONS
                    Access-Control-Allow-Headers: Content-Type, Accept, Cache-Control, Last-Event-ID
                  sse:
                    Content-Type: text/event-stream; charset=utf-8
                    Cache-Control: no-cache
                    X-Accel-Buffering: 'no'
                auth:
                  secret: ~  # tokens off
                  query: token
                  cookie: eventsourced_token
                limits:
                  max_streams: 0
                  header_bytes: 8192
                  header_count: 50
                  head_timeout: 10
                  query_bytes: 2048
                  cookie_bytes: 4096
                """, ConfigPrinter.toYaml(ConfigLoader.load(List.of())));
    }

    @Test
    void passwordsArePrintedMasked() {
        Config config = new ConfigFiles(dir).load("""
                broker:
                  node:
                    - amqp://alice:top-secret@rabbit-1:5672/prod
                    - amqps://bob:p%40ss@rabbit-2/
                """);

        String yaml = ConfigPrinter.toYaml(config);

        assertFalse(yaml.contains("top-secret"), yaml);
        assertFalse(yaml.contains("p%40ss"), yaml);
        assertTrue(yaml.contains("""
                  node:
                    - amqp://alice:****@rabbit-1:5672/prod
                    - amqps://bob:****@rabbit-2/
                """), yaml);
    }

    @Test
    void printedConfigLoadsBackToTheSameConfig() {
        Config config = new ConfigFiles(dir).load("""
                server:
                  address: '[::1]:0'
                  heartbeat: 0
                  retry: 1500
                  shutdown_timeout: 3
                  write_timeout: 7
                broker:
                  node:
                    - amqp://alice:top-secret@rabbit-1:5672/prod
                    - amqp://rabbit-2
                  channel_max: 64
                queue:
                  pattern: "q-${cookie:sid} #x"
                  expires: 60
                  prefetch: 20
                  type: quorum
                  takeover: never
                delivery:
                  ack_delay: 0.25
                  ack_window: 10
                header:
                  cors:
                    Access-Control-Allow-Origin: ~
                    X-Quote: "it's: here"
                    '#Odd': "*star"
                  sse:
                    X-Accel-Buffering: yes
                    X-Empty: ''
                    X-Number: 007
                """);
        String printed = ConfigPrinter.toYaml(config);
        Path file = write("printed.yml", printed);

        Config reloaded = ConfigLoader.load(List.of(file));

        assertEquals(ConfigLoaderTest.withoutComments(printed),
                ConfigLoaderTest.withoutComments(ConfigPrinter.toYaml(reloaded)));
        assertEquals(config.header(), reloaded.header());
        assertEquals("::1", reloaded.server().host());
        assertEquals(Duration.ofMillis(250), reloaded.delivery().ackDelay());
        assertEquals("q-${cookie:sid} #x", reloaded.queue().pattern().source());
        assertEquals(List.of("amqp://alice:****@rabbit-1:5672/prod", "amqp://rabbit-2"),
                ConfigLoaderTest.masked(reloaded));
        assertEquals("****", reloaded.broker().nodes().getFirst().password());
    }

    @Test
    void sourcesAndWarningsArePrintedAsComments() {
        ConfigFiles files = new ConfigFiles(dir);
        Config config = files.load("header:\n  sse:\n    Connection: keep-alive\n");

        String printed = ConfigPrinter.toYaml(config);

        Path source = dir.resolve("config.yml");
        assertTrue(printed.startsWith("# effective configuration, read from: " + source + "\n"
                + "# warning: " + source + ":3: header.sse.Connection ignored: hop-by-hop header,"
                + " the server owns the connection\nserver:\n"), printed);
    }

    private Path write(String name, String text) {
        return new ConfigFiles(dir).write(name, text);
    }

    static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
