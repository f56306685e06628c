package org.eventsourced.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eventsourced.config.QueueConfig.QueueType;
import org.eventsourced.config.QueueConfig.Takeover;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;
    ConfigFiles files;

    @BeforeEach
    void setUp() {
        files = new ConfigFiles(dir);
    }

    @Test
    void noFileGivesTheDefaults() {
        Config config = ConfigLoader.load(List.of(dir.resolve("absent.yml")));

        assertEquals("0.0.0.0:2069", config.server().address());
        assertEquals(Duration.ofSeconds(15), config.server().heartbeat());
        assertEquals(Duration.ofMillis(3000), config.server().retry());
        assertEquals(Duration.ofSeconds(10), config.server().shutdownTimeout());
        assertEquals(Duration.ofSeconds(30), config.server().writeTimeout());
        assertEquals(List.of("amqp://guest:****@127.0.0.1:5672/"), masked(config));
        assertEquals(0, config.broker().channelMax());
        assertEquals("${query:id}", config.queue().pattern().source());
        assertEquals(Duration.ofSeconds(1800), config.queue().expire());
        assertEquals(2000, config.queue().prefetch());
        assertEquals(QueueType.CLASSIC, config.queue().type());
        assertEquals(Takeover.RECONNECT, config.queue().takeover());
        assertEquals(Duration.ofSeconds(3), config.delivery().ackDelay());
        assertEquals(500, config.delivery().ackWindow());
        assertEquals(Settings.DEFAULT_CORS, config.header().cors());
        assertEquals(List.of("Access-Control-Allow-Origin", "Access-Control-Allow-Methods",
                "Access-Control-Allow-Headers"), List.copyOf(config.header().cors().keySet()));
        assertEquals(Map.of("Content-Type", "text/event-stream; charset=utf-8", "Cache-Control", "no-cache",
                "X-Accel-Buffering", "no"), config.header().sse());
        assertEquals(List.of(), config.sources());
        assertEquals(List.of(), config.warnings());
    }

    @Test
    void laterFilesOverrideKeyByKeyAndSourcesListTheFilesRead() {
        Path first = files.write("first.yml", """
                server:
                  address: 127.0.0.1:8080
                broker:
                  node:
                    - amqp://a:pa@one/
                    - amqp://a:pa@two/
                queue:
                  pattern: q-${query:id}
                  expire: 60
                header:
                  sse:
                    Cache-Control: no-store
                """);
        Path second = files.write("second.yml", """
                queue:
                  expire: 120
                broker:
                  node: [amqp://b:pb@three/]
                header:
                  sse:
                    X-Extra: yes
                """);
        Path third = files.write("third.yml", """
                header:
                  cors:
                    Access-Control-Allow-Origin: https://example.org
                """);

        Config config = ConfigLoader.load(List.of(first, dir.resolve("missing.yml"), second, third));

        assertEquals("127.0.0.1:8080", config.server().address());
        assertEquals("q-${query:id}", config.queue().pattern().source());
        assertEquals(Duration.ofSeconds(120), config.queue().expire());
        assertEquals(List.of("amqp://b:****@three/"), masked(config));
        assertEquals(List.of("Content-Type", "Cache-Control", "X-Accel-Buffering", "X-Extra"),
                List.copyOf(config.header().sse().keySet()));
        assertEquals("no-store", config.header().sse().get("Cache-Control"));
        assertEquals("yes", config.header().sse().get("X-Extra"));
        assertEquals("https://example.org", config.header().cors().get("Access-Control-Allow-Origin"));
        assertEquals("GET, OPTIONS", config.header().cors().get("Access-Control-Allow-Methods"));
        assertEquals(List.of(first.toString(), second.toString(), third.toString()), config.sources());
    }

    @Test
    void headerOverrideIgnoresCaseAndKeepsItsPlace() {
        Config config = files.load("""
                header:
                  sse:
                    cache-control: no-store
                """);

        assertEquals(List.of("Content-Type", "cache-control", "X-Accel-Buffering"),
                List.copyOf(config.header().sse().keySet()));
    }

    @Test
    void headerSetToNothingRemovesIt() {
        Config config = files.load("""
                header:
                  cors:
                    Access-Control-Allow-Origin: ~
                    access-control-allow-methods:
                """);

        assertEquals(Map.of("Access-Control-Allow-Headers", "Content-Type, Accept, Cache-Control, Last-Event-ID"),
                config.header().cors());
    }

    @Test
    void requiredFileIsAppliedLastAndMustExist() {
        Path etc = files.write("etc.yml", "queue:\n  expire: 10\n  prefetch: 20\ndelivery:\n  ack_window: 5\n");
        Path given = files.write("given.yml", "queue:\n  expire: 30\n");

        Config config = ConfigLoader.load(List.of(etc, dir.resolve("absent.yml")), Optional.of(given));

        assertEquals(Duration.ofSeconds(30), config.queue().expire());
        assertEquals(20, config.queue().prefetch());
        assertEquals(List.of(etc.toString(), given.toString()), config.sources());
        Path missing = dir.resolve("nope.yml");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(List.of(etc), Optional.of(missing)));
        assertEquals(missing + ": no such config file", e.getMessage());
    }

    @Test
    void defaultLocationsAreTheSystemFileThenTheLauncherDirectory() {
        assertEquals(List.of(Path.of("/etc/eventsourced/config.yml"), Path.of("/opt/es/config.yml")),
                ConfigLoader.defaultLocations(Optional.of(Path.of("/opt/es"))));
        assertEquals(List.of(Path.of("/etc/eventsourced/config.yml")),
                ConfigLoader.defaultLocations(Optional.empty()));
    }

    @Test
    void expiresIsTheOlderSpellingOfExpire() {
        Path first = files.write("first.yml", "queue:\n  expire: 100\n");
        Path second = files.write("second.yml", "queue:\n  expires: 200\n");
        Path third = files.write("third.yml", "queue:\n  expire: 300\n");

        assertEquals(Duration.ofSeconds(200), ConfigLoader.load(List.of(first, second)).queue().expire());
        assertEquals(Duration.ofSeconds(300), ConfigLoader.load(List.of(second, third)).queue().expire());
    }

    @Test
    void emptyAndCommentOnlyFilesSetNothing() {
        Path empty = files.write("empty.yml", "");
        Path comments = files.write("comments.yml", "# nothing here\nserver:\n  # address: 1.2.3.4:5\n");

        Config config = ConfigLoader.load(List.of(empty, comments));

        assertEquals("0.0.0.0:2069", config.server().address());
        assertEquals(List.of(empty.toString(), comments.toString()), config.sources());
    }

    @Test
    void singleBrokerUrlNeedsNoList() {
        Config config = files.load("broker:\n  node: amqps://user:secret@rabbit.example:5671/prod # TLS\n");

        BrokerNode node = config.broker().nodes().getFirst();
        assertEquals("amqps://user:****@rabbit.example:5671/prod", node.masked());
        assertEquals("secret", node.password());
        assertEquals("prod", node.virtualHost());
    }

    @Test
    void headerValuesAreTheLiteralTextEvenWhereYamlSeesBooleansOrNumbers() {
        Config config = files.load("""
                header:
                  sse:
                    X-Accel-Buffering: no
                    X-Number: 0100
                    X-Float: 1.50
                    X-On: on
                """);

        assertEquals("no", config.header().sse().get("X-Accel-Buffering"));
        assertEquals("0100", config.header().sse().get("X-Number"));
        assertEquals("1.50", config.header().sse().get("X-Float"));
        assertEquals("on", config.header().sse().get("X-On"));
    }

    @Test
    void valuesInTheirUnitsAndSpellings() {
        Config config = files.load("""
                server:
                  address: '[::1]:0'
                  heartbeat: 0
                  retry: 250
                queue:
                  type: Quorum
                  takeover: NEVER
                delivery:
                  ack_delay: 0.5
                  ack_window: 0
                """);

        assertEquals("::1", config.server().host());
        assertEquals(0, config.server().port());
        assertEquals(Duration.ZERO, config.server().heartbeat());
        assertEquals(Duration.ofMillis(250), config.server().retry());
        assertEquals(QueueType.QUORUM, config.queue().type());
        assertEquals(Takeover.NEVER, config.queue().takeover());
        assertEquals(Duration.ofMillis(500), config.delivery().ackDelay());
        assertEquals(0, config.delivery().ackWindow());
        assertEquals("0.0.0.0", files.load("server:\n  address: :2069\n").server().host());
    }

    @Test
    void originalServersConfigDistLoadsUnchangedWithOnlyTheTransferEncodingWarning() {
        Path seed = files.write("config.yml", """
                server:
                  address: 0.0.0.0:2069

                broker:
                  node:
                    - amqp://guest:guest@10.0.0.11:5672/ # channelMax 2047
                    - amqp://guest:guest@10.0.0.11:5672/ # channelMax 2047
                    - amqp://guest:guest@10.0.0.55:5672/ # channelMax 2047

                queue:
                  pattern: ${query:id}
                  expire:  1800

                header:
                  cors:
                    Access-Control-Allow-Origin:  '*'
                    Access-Control-Allow-Methods: GET, OPTIONS
                    Access-Control-Allow-Headers: Content-Type, Accept, Cache-Control
                  sse:
                    Content-Type:      text/event-stream; charset=utf-8
                    Cache-Control:     no-cache
                    Transfer-Encoding: identity
                    X-Accel-Buffering: no
                """);

        Config config = ConfigLoader.load(List.of(seed));

        assertEquals(List.of(seed + ":22: header.sse.Transfer-Encoding ignored: the server owns the framing"
                + " (chunked on HTTP/1.1, close-delimited on HTTP/1.0)"), config.warnings());
        assertEquals(List.of("amqp://guest:****@10.0.0.11:5672/", "amqp://guest:****@10.0.0.11:5672/",
                "amqp://guest:****@10.0.0.55:5672/"), masked(config));
        assertEquals("Content-Type, Accept, Cache-Control", config.header().cors().get("Access-Control-Allow-Headers"));
        assertEquals(Map.of("Content-Type", "text/event-stream; charset=utf-8", "Cache-Control", "no-cache",
                "X-Accel-Buffering", "no"), config.header().sse());
        assertEquals(Duration.ofSeconds(1800), config.queue().expire());
    }

    @Test
    void shippedConfigDistSetsEveryKeyToItsDefault() {
        Path dist = Path.of("config.yml-dist");
        assertTrue(java.nio.file.Files.exists(dist), "run the tests from the repository root, where config.yml-dist is");

        Config config = ConfigLoader.load(List.of(dist));

        assertEquals(List.of(), config.warnings());
        assertEquals(withoutComments(ConfigPrinter.toYaml(ConfigLoader.load(List.of()))),
                withoutComments(ConfigPrinter.toYaml(config)));
        String text = ConfigPrinterTest.read(dist);
        Keys.SECTIONS.forEach((section, keys) -> {
            assertTrue(text.contains("\n" + section + ":\n"), section);
            keys.forEach(key -> assertTrue(text.contains("\n  " + key + ":"), section + "." + key));
        });
    }

    static String withoutComments(String yaml) {
        return yaml.replaceAll("(?m)^#.*\n", "");
    }

    static List<String> masked(Config config) {
        return config.broker().nodes().stream().map(BrokerNode::masked).toList();
    }
}
