package org.eventsourced.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eventsourced.fuzz.RawHttp.Head;
import org.eventsourced.fuzz.RawHttp.Leave;
import org.eventsourced.fuzz.RawHttp.Request;
import org.eventsourced.fuzz.RawHttp.Result;
import org.eventsourced.testsupport.Await;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.junit.jupiter.api.Test;

/**
 * The HTTP front of a real server on a real broker, against malformed and hostile requests sent as
 * raw bytes: every request is answered with a status (or the connection closed) within a deadline,
 * never with a 5xx other than 503, and no response header carries anything but printable ASCII, so
 * nothing a client sent comes back as a header. Afterwards no stream, channel or consumer is left:
 * every queue the run made (all named with its own prefix) has no consumer, and is deleted.
 */
class HttpFrontFuzzTest {
    /** How long a request may wait for its answer. */
    private static final int ANSWER_MILLIS = 5_000;
    /** How long one exchange may take at all, writes included. */
    private static final int WATCHDOG_MILLIS = 20_000;
    private static final Duration SETTLE = Duration.ofSeconds(15);
    private static final String INJECTED = "x-injected";

    private final String prefix = "fuzz-http-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    /** The queue names requests could have made, as the server decodes them; checked if rabbitmqctl is not usable. */
    private final Set<String> candidates = new TreeSet<>();
    /** The queues the run made, found once it ends. */
    private final Set<String> made = new TreeSet<>();
    private int port;

    @Test
    void malformedRequestsGetAStatusOrACloseAndLeaveNothingBehind() throws Exception {
        TestBroker broker = TestBroker.get();
        String control = prefix + "control";
        broker.declare(control, 300_000);
        try (TestServer server = TestServer.start("""
                server:
                  heartbeat: 1
                queue:
                  pattern: %s${query:id}
                  expire: 300
                """.formatted(prefix))) {
            port = server.address().getPort();
            Await.until(() -> server.get("/debug/vars").body().contains("\"Connected\":true"), SETTLE,
                    () -> "the broker connected: " + server.get("/debug/vars").body());
            // the server's own channels (e.g. its control exchange); the streams' come on top
            long ownChannels = channelsInUse(server.get("/debug/vars").body());
            Map<Integer, Integer> statuses = new TreeMap<>();
            List<Request> fixed = fixedRequests();
            for (Request request : fixed) {
                check(server.address(), request, statuses);
            }
            FuzzRun.of("HttpFrontFuzzTest", 0x5EED_0031L, 300)
                    .forEachCase((r, i) -> check(server.address(), randomRequest(r), statuses));
            System.err.println("HttpFrontFuzzTest: statuses (0 = closed without one) " + statuses);

            Await.until(() -> number(server.get("/debug/vars").body(), "Consumer") == 0, SETTLE,
                    () -> "Consumer 0 in /debug/vars once the fuzz connections closed: " + server.get("/debug/vars")
                            .body());
            Await.until(() -> channelsInUse(server.get("/debug/vars").body()) == ownChannels, SETTLE,
                    () -> "no stream's channel left in /debug/vars (the server's own: " + ownChannels + "): "
                            + server.get("/debug/vars").body());
            // while the server still runs, so a leaked channel would still hold its consumer
            made.addAll(queuesMade(broker, control));
            for (String queue : made) {
                Await.until(() -> broker.consumerCount(queue) == 0, SETTLE,
                        () -> "no consumer left on queue " + Gen.show(queue));
            }
            System.err.println("HttpFrontFuzzTest: " + made.size() + " queues made, none with a consumer left");
        } finally {
            cleanUp(broker, control);
        }
    }

    /** Deletes what the run made, also after a failure (then as far as it can be found). */
    private void cleanUp(TestBroker broker, String control) {
        try {
            if (made.isEmpty()) {
                made.addAll(queuesMade(broker, control));
            }
        } finally {
            for (String queue : made) {
                try {
                    broker.delete(queue);
                } catch (AssertionError e) {
                    System.err.println("HttpFrontFuzzTest: could not delete " + Gen.show(queue) + ": " + e);
                }
            }
            broker.delete(control);
        }
    }

    // ---- one exchange ----

    private void check(InetSocketAddress server, Request request, Map<Integer, Integer> statuses) throws Exception {
        Result result = RawHttp.exchange(server, request, ANSWER_MILLIS, WATCHDOG_MILLIS);
        String context = request.description() + " " + Gen.show(request.bytes());
        assertNull(result.garbage(), () -> result.garbage() + " for " + context);
        if (result.heads().isEmpty()) {
            assertFalse(result.timedOut(), () -> "no answer and no close within " + ANSWER_MILLIS + " ms for "
                    + context);
            statuses.merge(0, 1, Integer::sum);
        }
        for (Head head : result.heads()) {
            statuses.merge(head.status(), 1, Integer::sum);
            assertTrue(head.status() < 500 || head.status() == 503 || head.status() == 501 && hasTransferCoding(request),
                    () -> head.statusLine() + " for " + context
                    + (head.header("X-Status-Reason") != null ? " (" + head.header("X-Status-Reason") + ")" : ""));
            for (byte[] line : head.rawHeaderLines()) {
                for (byte b : line) {
                    assertTrue(b == '\t' || b >= 0x20 && b < 0x7F, () -> "a response header line with "
                            + "other than printable ASCII: " + Gen.show(line) + " for " + context);
                }
            }
            assertFalse(head.headers().containsKey(INJECTED), () -> "a request header came back: " + context);
            String reason = head.header("X-Status-Reason");
            if (reason != null) {
                assertTrue(reason.chars().allMatch(c -> c >= 0x20 && c < 0x7F), () -> "X-Status-Reason "
                        + Gen.show(reason) + " for " + context);
            }
            if (head.status() == 503) {
                assertTrue(head.header("Retry-After") != null, () -> "503 without Retry-After for " + context);
            }
        }
        if (result.timedOut()) {
            // only a stream stays open without a further answer; or, in a pipeline, a request whose body
            // framing (Content-Length, Transfer-Encoding) swallowed the next request's bytes
            boolean stream = !result.heads().isEmpty() && result.heads().get(result.heads().size() - 1).isEventStream();
            boolean swallowed = !result.heads().isEmpty() && result.heads().size() < request.responses()
                    && hasBodyFraming(request);
            assertTrue(stream || swallowed, () -> "no answer within " + ANSWER_MILLIS + " ms for " + context);
        }
    }

    /**
     * Whether the request names a transfer coding: the JDK answers one it does not know (e.g. a
     * folded "chunked, x") with 501, as RFC 9112 section 6.1 says a server should.
     */
    private static boolean hasTransferCoding(Request request) {
        return new String(request.bytes(), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT)
                .contains("transfer-encoding:");
    }

    private static boolean hasBodyFraming(Request request) {
        String text = new String(request.bytes(), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        return text.contains("transfer-encoding:") || text.contains("content-length:");
    }

    // ---- requests ----

    /** The cases the issue names, every run. */
    private List<Request> fixedRequests() {
        List<Request> list = new ArrayList<>();
        list.add(simple("bad percent-encoding", "GET /?id=%zz HTTP/1.1\r\nHost: h\r\n\r\n"));
        list.add(simple("truncated escape", "GET /?id=%E2%82 HTTP/1.1\r\nHost: h\r\n\r\n"));
        list.add(simple("escape at the end", "GET /?id=a% HTTP/1.1\r\nHost: h\r\n\r\n"));
        list.add(request("raw invalid UTF-8 in the target", bytes("GET /?id=", new byte[] {(byte) 0xFF, (byte) 0xC0,
            (byte) 0x80}, " HTTP/1.1\r\nHost: h\r\n\r\n"), false, 1));
        list.add(request("invalid UTF-8 in a header", bytes("GET /?" + ok() + " HTTP/1.1\r\nHost: h\r\nLast-Event-ID: ",
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0xFF}, "\r\nCookie: \u0000\r\n\r\n"), false, 1));
        list.add(request("invalid UTF-8 in a header name", bytes("GET /healthz HTTP/1.1\r\nX-", new byte[] {(byte) 0xFF},
                ": v\r\n\r\n"), false, 1));
        list.add(simple("huge header", "GET /?" + ok() + " HTTP/1.1\r\nHost: h\r\nX-Big: " + "b".repeat(1 << 20)
                + "\r\n\r\n"));
        list.add(simple("1000 repeated headers", "GET /?" + ok() + " HTTP/1.1\r\nHost: h\r\n"
                + "Cookie: a=b\r\n".repeat(1000) + "\r\n"));
        list.add(simple("1000 repeated headers on /healthz", "GET /healthz HTTP/1.1\r\n" + "X-R: 1\r\n".repeat(1000)
                + "\r\n"));
        list.add(simple("CR in a value", "GET /?" + ok() + " HTTP/1.1\r\nHost: h\r\n"
                + "Last-Event-ID: a\rX-Injected: 1\r\n\r\n"));
        list.add(simple("LF in a value", "GET /?" + ok() + " HTTP/1.1\r\nHost: h\r\n"
                + "Last-Event-ID: a\nX-Injected: 1\r\n\r\n"));
        list.add(simple("CRLF in the query", "GET /?id=%0D%0AX-Injected:%201 HTTP/1.1\r\nHost: h\r\n\r\n"));
        list.add(request("bare LF line endings", bytes("GET /?" + ok() + " HTTP/1.1\nHost: h\n\n"), true, 1));
        list.add(simple("NUL in the target", "GET /?id=a\u0000b HTTP/1.1\r\nHost: h\r\n\r\n"));
        list.add(simple("NUL escaped", "GET /?id=a%00b HTTP/1.1\r\nHost: h\r\n\r\n"));
        list.add(simple("HTTP/0.9", "GET /?" + ok() + "\r\n\r\n"));
        list.add(simple("HTTP/0.9 named", "GET /?" + ok() + " HTTP/0.9\r\n\r\n"));
        list.add(simple("HTTP/2.0", "GET /?" + ok() + " HTTP/2.0\r\nHost: h\r\n\r\n"));
        list.add(simple("the HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
        list.add(simple("absolute-form", "GET http://127.0.0.1:" + port + "/?" + ok() + " HTTP/1.1\r\nHost: h\r\n\r\n"));
        list.add(simple("opaque target", "GET mailto:x?" + ok() + " HTTP/1.1\r\nHost: h\r\n\r\n"));
        list.add(simple("asterisk target", "GET * HTTP/1.1\r\nHost: h\r\n\r\n"));
        list.add(simple("very long path", "GET /" + "p".repeat(100_000) + "?" + ok() + " HTTP/1.1\r\nHost: h\r\n\r\n"));
        list.add(simple("too long a queue name", "GET /?id=" + "n".repeat(300) + " HTTP/1.1\r\nHost: h\r\n\r\n"));
        String pipelined = "/?" + ok();
        noteCandidate(pipelined.getBytes(StandardCharsets.UTF_8));
        list.add(new Request("pipelined", List.of(("GET /healthz HTTP/1.1\r\nHost: h\r\n\r\nGET /debug/vars HTTP/1.1\r\n"
                + "Host: h\r\n\r\nGET " + pipelined + " HTTP/1.1\r\nHost: h\r\n\r\n").getBytes(StandardCharsets.UTF_8)),
                false, 3, Leave.CLOSE));
        String half = "/?" + id("half") + "=x&id=" + id("half");
        noteCandidate(half.getBytes(StandardCharsets.UTF_8));
        list.add(new Request("half-closed after a whole request", List.of(("GET " + half
                + " HTTP/1.1\r\nHost: h\r\n\r\n").getBytes(StandardCharsets.UTF_8)), true, 1, Leave.CLOSE));
        list.add(new Request("half-closed mid-request", List.of("GET /?id=x HTTP/1.1\r\nHo".getBytes(
                StandardCharsets.UTF_8)), true, 1, Leave.CLOSE));
        list.add(new Request("half-closed mid-line", List.of("GE".getBytes(StandardCharsets.UTF_8)), true, 1,
                Leave.CLOSE));
        list.add(simple("obs-fold", "GET /?" + ok() + " HTTP/1.1\r\nHost: h\r\nCookie: a=b\r\n folded\r\n\r\n"));
        list.add(simple("header without a colon", "GET /?" + ok() + " HTTP/1.1\r\nHost: h\r\nno colon\r\n\r\n"));
        list.add(simple("Expect: 100-continue", "GET /?" + ok() + " HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
                + "Content-Length: 5\r\n\r\n"));
        list.add(simple("chunked GET with a bad chunk", "GET /healthz HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked"
                + "\r\n\r\nzz\r\n"));
        list.add(simple("lower-case method", "get /?" + ok() + " HTTP/1.1\r\nHost: h\r\n\r\n"));
        list.add(simple("unknown method", "BREW /?" + ok() + " HTTP/1.1\r\nHost: h\r\n\r\n"));
        return list;
    }

    private Request randomRequest(Random r) {
        int count = r.nextInt(8) == 0 ? 2 + r.nextInt(2) : 1;
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        StringBuilder description = new StringBuilder();
        boolean complete = true;
        for (int n = 0; n < count; n++) {
            boolean lfOnly = r.nextInt(12) == 0;
            String eol = lfOnly ? "\n" : r.nextInt(30) == 0 ? "\r" : "\r\n";
            complete &= eol.equals("\r\n");
            all.writeBytes(method(r));
            all.write(' ');
            all.writeBytes(target(r, description));
            byte[] version = version(r);
            if (version.length > 0) {
                all.write(' ');
                all.writeBytes(version);
            }
            all.writeBytes(eol.getBytes(StandardCharsets.US_ASCII));
            int headers = r.nextInt(4) == 0 ? 1 + r.nextInt(5) : 0;
            if (r.nextInt(5) != 0) {
                all.writeBytes(("Host: 127.0.0.1" + eol).getBytes(StandardCharsets.US_ASCII));
            }
            for (int h = 0; h < headers; h++) {
                all.writeBytes(header(r, eol, description));
            }
            if (r.nextInt(15) == 0) {
                complete = false; // the blank line is missing
            } else {
                all.writeBytes(eol.getBytes(StandardCharsets.US_ASCII));
            }
        }
        byte[] bytes = all.toByteArray();
        List<byte[]> pieces = new ArrayList<>();
        if (r.nextInt(4) == 0 && bytes.length > 1) {
            int at = 0;
            while (at < bytes.length) {
                int len = Math.min(bytes.length - at, 1 + r.nextInt(Math.max(1, bytes.length / 3)));
                byte[] piece = new byte[len];
                System.arraycopy(bytes, at, piece, 0, len);
                pieces.add(piece);
                at += len;
            }
        } else {
            pieces.add(bytes);
        }
        boolean halfClose = !complete || r.nextInt(6) == 0;
        Leave leave = Gen.oneOf(r, List.of(Leave.values()));
        return new Request(description.toString().trim(), pieces, halfClose, count, leave);
    }

    private static byte[] method(Random r) {
        return switch (r.nextInt(20)) {
            case 0 -> "OPTIONS".getBytes(StandardCharsets.US_ASCII);
            case 1 -> "POST".getBytes(StandardCharsets.US_ASCII);
            case 2 -> "HEAD".getBytes(StandardCharsets.US_ASCII);
            case 3 -> "get".getBytes(StandardCharsets.US_ASCII);
            case 4 -> Gen.bytes(r, 6);
            case 5 -> "G\u00c9T".getBytes(StandardCharsets.UTF_8);
            case 6 -> "GET\tGET".getBytes(StandardCharsets.US_ASCII);
            default -> "GET".getBytes(StandardCharsets.US_ASCII);
        };
    }

    private byte[] target(Random r, StringBuilder description) {
        String path = switch (r.nextInt(12)) {
            case 0 -> "/debug/vars";
            case 1 -> "/healthz";
            case 2 -> "/a/../b/%2e%2e/";
            case 3 -> "/" + "x".repeat(r.nextInt(20_000));
            case 4 -> "http://127.0.0.1:" + port + "/";
            case 5 -> "*";
            case 6 -> "a:b";
            case 7 -> "//host/";
            default -> "/";
        };
        ByteArrayOutputStream t = new ByteArrayOutputStream();
        t.writeBytes(path.getBytes(StandardCharsets.US_ASCII));
        if (r.nextInt(8) != 0) {
            t.write('?');
            int params = 1 + r.nextInt(3);
            for (int p = 0; p < params; p++) {
                if (p > 0) {
                    t.write('&');
                }
                boolean isId = p == 0 || r.nextInt(3) == 0;
                t.writeBytes((isId ? "id" : Gen.oneOf(r, List.of("lastEventId", "x", "", "id%3D", "i%64"))).getBytes(
                        StandardCharsets.US_ASCII));
                if (r.nextInt(10) != 0) {
                    t.write('=');
                    byte[] value = idValue(r);
                    description.append(isId ? "id=" + Gen.show(value) + " " : "");
                    t.writeBytes(value);
                }
            }
        }
        if (r.nextInt(20) == 0) {
            t.writeBytes("#frag".getBytes(StandardCharsets.US_ASCII));
        }
        byte[] bytes = t.toByteArray();
        noteCandidate(bytes);
        return bytes;
    }

    /** Values for the id: fine ones (a stream opens), escaped text, bad escapes, raw bytes, CR/LF, huge. */
    private static byte[] idValue(Random r) {
        String s = switch (r.nextInt(17)) {
            case 0, 1, 2, 3, 4, 5, 6 -> id(r, "r");
            case 7 -> percentEncode(Gen.validText(r, 12).getBytes(StandardCharsets.UTF_8));
            case 8 -> percentEncode(Gen.bytes(r, 8));
            case 9 -> Gen.oneOf(r, List.of("%", "%g1", "%zz", "%E2%82", "%C0%80", "%ED%A0%80", "%F4%90%80%80", "a%"));
            case 10 -> "%0D%0AX-Injected:%201";
            case 11 -> id(r, "plus") + "+" + "%2B";
            case 12 -> "%00" + id(r, "nul");
            case 13 -> "amq." + id(r, "amq");
            case 14 -> "v".repeat(200 + r.nextInt(100));
            case 15 -> null;
            default -> "";
        };
        return s != null ? s.getBytes(StandardCharsets.UTF_8) : Gen.bytes(r, 10);
    }

    private static byte[] version(Random r) {
        String v = switch (r.nextInt(20)) {
            case 0 -> "HTTP/1.0";
            case 1 -> "HTTP/0.9";
            case 2 -> "HTTP/2.0";
            case 3 -> "";
            case 4 -> "http/1.1";
            case 5 -> "HTTP/1.1 extra";
            case 6 -> "HTTP/9.9";
            default -> "HTTP/1.1";
        };
        return v.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] header(Random r, String eol, StringBuilder description) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        switch (r.nextInt(16)) {
            case 0 -> h.writeBytes(("Cookie: " + Gen.text(r, 40)).getBytes(StandardCharsets.UTF_8));
            case 1 -> h.writeBytes(("Last-Event-ID: " + Gen.text(r, 40)).getBytes(StandardCharsets.UTF_8));
            case 2 -> {
                h.writeBytes("X-Raw: ".getBytes(StandardCharsets.US_ASCII));
                h.writeBytes(Gen.bytes(r, 40));
            }
            case 3 -> h.writeBytes("X-Fuzz: a\rX-Injected: 1".getBytes(StandardCharsets.US_ASCII));
            case 4 -> h.writeBytes("X-Fuzz: a\nX-Injected: 1".getBytes(StandardCharsets.US_ASCII));
            case 5 -> {
                int n = r.nextInt(3) == 0 ? 1000 : 50;
                description.append(n).append(" repeated headers ");
                for (int k = 0; k < n; k++) {
                    h.writeBytes(("X-Repeat: " + k + (k < n - 1 ? eol : "")).getBytes(StandardCharsets.US_ASCII));
                }
            }
            case 6 -> {
                int n = r.nextInt(10) == 0 ? 400_000 + r.nextInt(700_000) : r.nextInt(20_000);
                description.append("a ").append(n).append("-byte header ");
                h.writeBytes(("X-Big: " + "b".repeat(n)).getBytes(StandardCharsets.US_ASCII));
            }
            case 7 -> h.writeBytes("NoColonHere".getBytes(StandardCharsets.US_ASCII));
            case 8 -> h.writeBytes(": empty-name".getBytes(StandardCharsets.US_ASCII));
            case 9 -> h.writeBytes(" folded continuation".getBytes(StandardCharsets.US_ASCII));
            case 10 -> h.writeBytes(("Content-Length: " + Gen.oneOf(r, List.of("0", "5", "-1", "x",
                    "99999999999999999999"))).getBytes(StandardCharsets.US_ASCII));
            case 11 -> h.writeBytes("Transfer-Encoding: chunked".getBytes(StandardCharsets.US_ASCII));
            case 12 -> h.writeBytes(("Connection: " + Gen.oneOf(r, List.of("close", "keep-alive", "Upgrade")))
                    .getBytes(StandardCharsets.US_ASCII));
            case 13 -> h.writeBytes(("Origin: " + Gen.text(r, 20)).getBytes(StandardCharsets.UTF_8));
            case 14 -> h.writeBytes("X-Nul\u0000: v\u0000".getBytes(StandardCharsets.US_ASCII));
            default -> h.writeBytes(("Accept: text/event-stream").getBytes(StandardCharsets.US_ASCII));
        }
        h.writeBytes(eol.getBytes(StandardCharsets.US_ASCII));
        return h.toByteArray();
    }

    // ---- helpers ----

    /** A query that opens a stream on a queue of its own. */
    private static String ok() {
        return "id=" + id("fixed");
    }

    /** An id drawn from the case's Random, so a replayed case sends the same bytes (the run's prefix keeps it apart). */
    private static String id(Random r, String tag) {
        return tag + "-" + Long.toHexString(r.nextLong() >>> 1);
    }

    private static String id(String tag) {
        return tag + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Request simple(String description, String request) {
        return request(description, request.getBytes(StandardCharsets.UTF_8), false, 1);
    }

    private Request request(String description, byte[] bytes, boolean halfClose, int responses) {
        int q = indexOf(bytes, (byte) ' ');
        int end = q < 0 ? -1 : indexOfAfter(bytes, q + 1);
        if (end > q) {
            byte[] target = new byte[end - q - 1];
            System.arraycopy(bytes, q + 1, target, 0, target.length);
            noteCandidate(target);
        }
        return new Request(description, List.of(bytes), halfClose, responses, Leave.CLOSE);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfAfter(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == ' ' || bytes[i] == '\r' || bytes[i] == '\n') {
                return i;
            }
        }
        return bytes.length;
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            out.writeBytes(part instanceof byte[] b ? b : part.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static String percentEncode(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append('%').append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return s.toString();
    }

    /**
     * Records the queue name a target could make: the JDK reads the request line as ISO-8859-1, the
     * server takes the first {@code id} and percent-decodes it as UTF-8 when it holds a % or +.
     */
    private void noteCandidate(byte[] target) {
        String raw = new String(target, StandardCharsets.ISO_8859_1);
        String query;
        try {
            query = new URI(raw).getRawQuery();
        } catch (URISyntaxException e) {
            return;
        }
        if (query == null) {
            return;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("id=")) {
                String value = pair.substring(3);
                String decoded = value.indexOf('%') < 0 && value.indexOf('+') < 0 ? value : decode(value);
                if (decoded != null && !decoded.isEmpty()) {
                    candidates.add(prefix + decoded);
                }
                return;
            }
        }
    }

    private static String decode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%' && i + 2 < raw.length() && Character.digit(raw.charAt(i + 1), 16) >= 0
                    && Character.digit(raw.charAt(i + 2), 16) >= 0) {
                bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else if (c == '%') {
                return null;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    // ---- what the run left on the broker ----

    /**
     * The queues this run made: by {@code rabbitmqctl list_queues} when it sees this broker (it must
     * list the control queue), else the names the requests could have made that exist.
     */
    private Set<String> queuesMade(TestBroker broker, String control) {
        Set<String> made = new TreeSet<>();
        List<String> listed = rabbitmqctlQueues();
        if (listed != null && listed.contains(control)) {
            listed.stream().filter(q -> q.startsWith(prefix) && !q.equals(control)).forEach(made::add);
            System.err.println("HttpFrontFuzzTest: rabbitmqctl lists " + made.size() + " queues of this run");
        } else {
            System.err.println("HttpFrontFuzzTest: rabbitmqctl "
                    + (listed == null ? "is not usable here" : "does not see the test broker")
                    + "; checking the " + candidates.size() + " queue names the requests could have made");
        }
        for (String candidate : candidates) {
            if (queueExists(broker, candidate)) {
                made.add(candidate);
            }
        }
        return made;
    }

    private static boolean queueExists(TestBroker broker, String queue) {
        try {
            return broker.queueExists(queue);
        } catch (AssertionError e) {
            return false; // a name the broker refuses outright was never a queue
        }
    }

    private static final Pattern QUEUE_JSON = Pattern.compile("\\{\"name\":\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The broker's queue names per {@code rabbitmqctl}, or null when it cannot be run. */
    private static List<String> rabbitmqctlQueues() {
        try {
            Process p = new ProcessBuilder("rabbitmqctl", "list_queues", "-q", "name", "--formatter", "json")
                    .redirectErrorStream(false).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            List<String> names = new ArrayList<>();
            Matcher m = QUEUE_JSON.matcher(new String(out, StandardCharsets.UTF_8));
            while (m.find()) {
                names.add(unescapeJson(m.group(1)));
            }
            return names;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String unescapeJson(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'u' -> {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    private static long number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?\\d+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Long.parseLong(m.group(1));
    }

    private static long channelsInUse(String json) {
        Matcher m = Pattern.compile("\"Channels\":(\\d+)").matcher(json);
        long total = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }
}
