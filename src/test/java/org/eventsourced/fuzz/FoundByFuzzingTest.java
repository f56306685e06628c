package org.eventsourced.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eventsourced.config.BrokerNode;
import org.eventsourced.config.ConfigException;
import org.eventsourced.config.ConfigLoader;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reproducers for what the fuzz tests found; each fails until its bug is fixed. */
class FoundByFuzzingTest {
    @TempDir
    Path dir;

    private ConfigException configError(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("config.yml"), yaml);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(), Optional.of(file)));
    }

    private BrokerNode node(String url) throws Exception {
        Path file = Files.writeString(dir.resolve("config.yml"), "broker:\n  node: " + url + "\n");
        return ConfigLoader.load(List.of(), Optional.of(file)).broker().nodes().get(0);
    }

    // 1. broker URL: '+' is a literal in a URI's userinfo and path, not a space (form encoding)
    @Test
    void plusInBrokerPasswordAndVhostIsAPlus() throws Exception {
        BrokerNode node = node("amqp://app:pa+ss@rabbit.example/v+h");
        assertEquals("pa+ss", node.password());
        assertEquals("v+h", node.virtualHost());
    }

    // 2. broker URL: a user without a password keeps the default password (AMQP URI spec, amqp-client)
    @Test
    void userWithoutPasswordKeepsTheDefaultPassword() throws Exception {
        assertEquals("guest", node("amqp://app@rabbit.example/").password());
    }

    // 3. an unknown key with a dot: the "parent" is cut at the key's last dot and printed unmasked
    @Test
    void unknownKeyWithADotNeverShowsAPassword() throws Exception {
        String message = configError("server:\n  \"amqp://app:s3cretPW@10.0.0.1/\": 1\n").getMessage();
        assertFalse(message.contains("s3cretPW"), message);
    }


    // 4. ConfigException promises file and line; control characters and invalid UTF-8 had none
    // (nesting deeper than 50 and more than 50 aliases still have none: docs/fuzzing.md)
    @Test
    void controlCharactersAndInvalidUtf8NameTheirLine() throws Exception {
        for (byte[] yaml : List.of("server:\n  heartbeat: 1\u0001\n".getBytes(StandardCharsets.UTF_8),
                new byte[] {'a', ':', ' ', (byte) 0xFF, '\n'})) {
            Path file = Files.write(dir.resolve("config.yml"), yaml);
            String message = assertThrows(ConfigException.class,
                    () -> ConfigLoader.load(List.of(), Optional.of(file))).getMessage();
            assertTrue(message.matches("\\Q" + file + "\\E:\\d+: .*"), message);
        }
    }

    // 6. EventSource sends Last-Event-ID as UTF-8; the server reads it as ISO-8859-1
    @Test
    void nonAsciiLastEventIdIsEchoedAsSent() throws Exception {
        String queue = TestBroker.uniqueQueue("found-id");
        try (TestServer server = TestServer.start("");
                SseClient client = server.stream(queue, "Last-Event-ID: \u00e9-1")) {
            assertEquals(200, client.status());
            client.readUntil("id: ", Duration.ofSeconds(10));
            client.readUntil("\n\n", Duration.ofSeconds(10));
            assertTrue(client.bodyText().contains("id: \u00e9-1\n"), client.bodyText());
        } finally {
            TestBroker.get().delete(queue);
        }
    }

    // 7. raw UTF-8 (or invalid) bytes in the target are read as ISO-8859-1, neither refused nor decoded
    @Test
    void rawNonAsciiInTheTargetIsRefusedOrReadAsUtf8() throws Exception {
        String id = "found-\u00e9-" + UUID.randomUUID();
        try (TestServer server = TestServer.start("");
                SseClient client = SseClient.get(server.address(), "/?id=" + id)) {
            assertTrue(client.status() == 400 || TestBroker.get().queueExists(id),
                    client.status() + "; queue " + id + " exists: " + TestBroker.get().queueExists(id));
        } finally {
            TestBroker.get().delete(id);
            TestBroker.get().delete(new String(id.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        }
    }
}
