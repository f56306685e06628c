package org.eventsourced.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigErrorsTest {
    @TempDir
    Path dir;
    ConfigFiles files;

    @BeforeEach
    void setUp() {
        files = new ConfigFiles(dir);
    }

    @Test
    void typoInKeyNamesFileKeyLineAndSuggestion() {
        assertEquals("config.yml:3: queue.expier: unknown key, did you mean queue.expire?",
                files.error("queue:\n  pattern: ${query:id}\n  expier: 10\n"));
        assertEquals("config.yml:1: sever: unknown key, did you mean server?", files.error("sever:\n  retry: 1\n"));
    }

    @Test
    void keyInTheWrongSectionSuggestsWhereItBelongs() {
        assertEquals("config.yml:2: server.pattern: unknown key, did you mean queue.pattern?",
                files.error("server:\n  pattern: ${query:id}\n"));
        assertEquals("config.yml:2: header.Content-Type: unknown key (response headers go under header.cors or header.sse)",
                files.error("header:\n  Content-Type: text/plain\n"));
    }

    @Test
    void unknownKeyWithNothingNearListsTheKnownOnes() {
        assertEquals("config.yml:1: logging: unknown key (the sections are server, broker, queue, delivery, header, auth, limits)",
                files.error("logging: debug\n"));
        assertEquals("config.yml:2: delivery.mode: unknown key (delivery has ack_delay, ack_window)",
                files.error("delivery:\n  mode: fast\n"));
    }

    @Test
    void wrongTypeSaysWhatWasExpectedAndWhatWasFound() {
        assertEquals("config.yml:2: queue.expire: must be a single value, got a map",
                files.error("queue:\n  expire:\n    seconds: 10\n"));
        assertEquals("config.yml:1: server: must be a map of keys, got a list",
                files.error("server:\n  - address\n"));
        assertEquals("config.yml:2: broker.node: must be a list of amqp:// URLs, got a map",
                files.error("broker:\n  node: {url: amqp://h/}\n"));
        assertEquals("config.yml:3: broker.node: each item must be an amqp:// URL, got a list",
                files.error("broker:\n  node:\n    - [amqp://h/]\n"));
        assertEquals("config.yml:2: header.sse: must be a map of header name: value, got \"no-cache\"",
                files.error("header:\n  sse: no-cache\n"));
        assertEquals("config.yml:1: the file must be a map of sections (server, broker, queue, delivery, header, auth, limits),"
                + " got a list", files.error("- server\n"));
        assertEquals("config.yml:2: queue.expire: has no value (remove the line to keep the default)",
                files.error("queue:\n  expire:\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "amqp://guest:s3cret@rabbit:notaport/",
        "amqp://guest:s3 cret@rabbit/",
        "amqp://guest:s3cret@rabbit:5672/a/b",
        "amqp://guest:s3cret@rabbit:99999/",
        "http://guest:s3cret@rabbit/",
        "amqp://guest:s3cret",
        "amqp://guest:s3c@ret@rabbit/",
        "guest:s3cret@rabbit",
    })
    void badBrokerUrlIsAnErrorThatDoesNotShowThePassword(String url) {
        String message = files.error("broker:\n  node:\n    - amqp://ok/\n    - \"" + url + "\"\n");

        assertTrue(message.startsWith("config.yml:4: broker.node: "), message);
        assertFalse(message.contains("s3"), message);
        assertFalse(message.contains("cret"), message);
    }

    @Test
    void badBrokerUrlErrorShowsTheMaskedUrlAndTheReason() {
        assertEquals("config.yml:2: broker.node: broker URL must start with amqp:// or amqps://:"
                + " \"http://guest:****@rabbit/\"", files.error("broker:\n  node: http://guest:s3cret@rabbit/\n"));
    }

    @Test
    void passwordTypedIntoAnotherKeyIsMaskedToo() {
        assertEquals("config.yml:2: server.address: the host must be a name or an IP address,"
                + " got \"amqp://guest:****@rabbit:5672\"", files.error("server:\n  address: amqp://guest:s3cret@rabbit:5672\n"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        server.heartbeat        | -1          | must be a whole number of seconds >= 0 (0 turns heartbeats off), got "-1"
        server.heartbeat        | off         | must be a whole number of seconds >= 0 (0 turns heartbeats off), got "off"
        server.retry            | 1.5         | must be a whole number of milliseconds >= 0, got "1.5"
        server.shutdown_timeout | 0           | must be a positive whole number of seconds, got "0"
        server.write_timeout    | 99999999999 | must be at most 2147483647, got "99999999999"
        server.address          | 0.0.0.0     | must be host:port, e.g. 0.0.0.0:2069 (the port is missing), got "0.0.0.0"
        server.address          | 0.0.0.0:70000 | the port must be 0..65535 (0 picks a free port), got "0.0.0.0:70000"
        server.address          | ::1:80      | an IPv6 address needs brackets, e.g. [::1]:2069, got "::1:80"
        broker.channel_max      | 65536       | must be 0 (the broker's limit) or 1..65535, got "65536"
        queue.expire            | abc         | must be a positive whole number of seconds, got "abc"
        queue.expire            | 0           | must be a positive whole number of seconds, got "0"
        queue.expire            | 4294968     | must be at most 4294967 seconds (RabbitMQ's x-expires limit), got "4294968"
        queue.prefetch          | 0           | must be a whole number 1..65535, got "0"
        queue.type              | lazy        | must be classic or quorum, got "lazy"
        queue.takeover          | always      | must be reconnect or never, got "always"
        queue.pattern           | fixed-name  | queue pattern needs at least one ${query:KEY} or ${cookie:KEY}, or every client shares one queue
        delivery.ack_delay      | -0.5        | must be a number of seconds >= 0, fractions allowed (e.g. 0.5), got "-0.5"
        delivery.ack_window     | -1          | must be a whole number of messages >= 0, got "-1"
        """)
    void impossibleValueNamesFileLineKeyAndValue(String key, String value, String message) {
        String[] path = key.split("\\.");
        String yaml = "# line 1\n" + path[0] + ":\n  " + path[1] + ": '" + value + "'\n";

        assertEquals("config.yml:3: " + key + ": " + message, files.error(yaml));
    }

    @Test
    void yamlSyntaxErrorNamesFileAndLine() {
        String message = files.error("server:\n  address: 0.0.0.0:2069\n queue: x\n  bad\n");
        assertTrue(message.startsWith("config.yml:3: YAML syntax error: "), message);
        assertFalse(message.contains("\n"), message);

        assertEquals("config.yml:2: YAML syntax error: mapping values are not allowed here",
                files.error("queue:\n  expire: 1: 2\n"));
    }

    @Test
    void keyWrittenTwiceInOneFileIsAnError() {
        assertEquals("config.yml:4: queue.expire: duplicate key (already set on line 2)",
                files.error("queue:\n  expire: 10\n  prefetch: 5\n  expire: 20\n"));
        assertEquals("config.yml:4: header.sse.cache-control: duplicate header (already set on line 3;"
                + " header names ignore case)", files.error("header:\n  sse:\n    Cache-Control: a\n    cache-control: b\n"));
    }

    @Test
    void expireAndExpiresInOneFileIsAnError() {
        assertEquals("config.yml:3: queue.expires: queue.expire is already set on line 2"
                + " (expires is the older spelling of expire: keep one)",
                files.error("queue:\n  expire: 10\n  expires: 20\n"));
    }

    @Test
    void ackWindowNotBelowPrefetchIsAnErrorAtTheKeySetLast() {
        assertEquals("config.yml:2: delivery.ack_window: must be smaller than queue.prefetch (2000, the default),"
                + " got 2000: the broker sends at most queue.prefetch unacked messages, so a window that large is"
                + " never filled and a busy stream stalls until ack_delay passes; keep queue.prefetch larger",
                files.error("delivery:\n  ack_window: 2000\n"));

        Path first = files.write("first.yml", "delivery:\n  ack_window: 200\n");
        Path second = files.write("second.yml", "# smaller prefetch\nqueue:\n  prefetch: 100\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(first, second)));
        assertTrue(e.getMessage().startsWith(second + ":3: queue.prefetch: must be larger than delivery.ack_window"
                + " (200, set at " + first + ":2), got 100: "), e.getMessage());
    }

    @Test
    void badHeaderNameOrValueIsAnError() {
        assertEquals("config.yml:3: header.cors.Bad Name: not a valid header name (letters, digits and"
                + " !#$%&'*+-.^_`|~ only)", files.error("header:\n  cors:\n    Bad Name: x\n"));
        assertEquals("config.yml:3: header.sse.X-Split: the value must be printable ASCII on one line"
                + " (no CR, LF, NUL or other control characters), got \"a\\r\\nSet-Cookie: x\"",
                files.error("header:\n  sse:\n    X-Split: \"a\\r\\nSet-Cookie: x\"\n"));
        assertEquals("config.yml:3: header.sse.X-Nul: the value must be printable ASCII on one line"
                + " (no CR, LF, NUL or other control characters), got \"a\\u0000b\"",
                files.error("header:\n  sse:\n    X-Nul: \"a\\0b\"\n"));
    }

    @Test
    void hopByHopHeadersAreDroppedWithAWarning() {
        Config config = files.load("""
                header:
                  cors:
                    Connection: close
                  sse:
                    Transfer-Encoding: chunked
                    content-length: 0
                """);

        assertEquals(List.of(
                "config.yml:3: header.cors.Connection ignored: hop-by-hop header, the server owns the connection",
                "config.yml:5: header.sse.Transfer-Encoding ignored: the server owns the framing"
                        + " (chunked on HTTP/1.1, close-delimited on HTTP/1.0)",
                "config.yml:6: header.sse.content-length ignored: the server owns the framing"
                        + " (chunked on HTTP/1.1, close-delimited on HTTP/1.0)"),
                config.warnings().stream().map(w -> w.replace(dir.resolve("config.yml").toString(), "config.yml")).toList());
        assertFalse(config.header().cors().containsKey("Connection"));
        assertEquals(ConfigLoader.load(List.of()).header().sse(), config.header().sse());
    }

    @Test
    void sseContentTypeBrowsersRefuseIsKeptWithAWarning() {
        Config config = files.load("header:\n  sse:\n    Content-Type: text/plain\n");

        assertEquals("text/plain", config.header().sse().get("Content-Type"));
        assertEquals(List.of(dir.resolve("config.yml") + ":3: header.sse.Content-Type is \"text/plain\":"
                + " browsers' EventSource only accepts text/event-stream"), config.warnings());
    }

    @Test
    void keyThatLooksLikeAUrlWithPasswordIsMaskedInTheMessage() {
        assertEquals("config.yml:1: amqp://u:****@host/: unknown key (the sections are server, broker, queue,"
                + " delivery, header, auth, limits)", files.error("\"amqp://u:s3cret@host/\": x\n"));
    }

    @Test
    void fileThatCannotBeReadIsAnErrorEvenWhenOptional() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(dir)));
        assertTrue(e.getMessage().startsWith(dir + ": cannot read: "), e.getMessage());

        Path latin1 = dir.resolve("latin1.yml");
        assertEquals(latin1 + ":1: not valid UTF-8", assertThrows(ConfigException.class, () -> {
            java.nio.file.Files.write(latin1, new byte[] {'#', ' ', (byte) 0xE9, '\n'});
            ConfigLoader.load(List.of(latin1));
        }).getMessage());
    }
}
