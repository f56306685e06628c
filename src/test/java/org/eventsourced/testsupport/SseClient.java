package org.eventsourced.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client on a plain socket that shows a stream exactly as it crosses the wire:
 * status, headers, the de-chunked body bytes, and the events a conforming parser reads
 * from them.
 */
public final class SseClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final int status;
    private final Map<String, String> headers;
    private final boolean chunked;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final SseParser parser = new SseParser();
    private final ArrayDeque<SseParser.Event> events = new ArrayDeque<>();
    private int chunkLeft;
    private int largestChunk;
    private long contentLeft;
    private boolean ended;
    private final ByteArrayOutputStream undecoded = new ByteArrayOutputStream();

    private SseClient(Socket socket, InputStream in, int status, Map<String, String> headers) {
        this.socket = socket;
        this.in = in;
        this.status = status;
        this.headers = headers;
        this.chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
        String length = headers.get("content-length");
        this.contentLeft = length == null ? -1 : Long.parseLong(length);
        this.ended = contentLeft == 0 || status == 204;
    }

    /** Sends {@code GET target} with the extra header lines given, and reads the response head. */
    public static SseClient get(InetSocketAddress server, String target, String... headerLines)
            throws IOException {
        return request(server, "GET", target, "HTTP/1.1", headerLines);
    }

    public static SseClient request(InetSocketAddress server, String method, String target, String version,
            String... headerLines) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.getPort()), 5000);
        socket.setSoTimeout(10_000);
        StringBuilder request = new StringBuilder(method + " " + target + " " + version + "\r\n");
        request.append("Host: 127.0.0.1:").append(server.getPort()).append("\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        request.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
        String statusLine = readLine(in);
        if (statusLine == null) {
            throw new IOException("connection closed before a status line");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new SseClient(socket, in, status, headers);
    }

    public int status() {
        return status;
    }

    /** A response header, by case-insensitive name; null if absent. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public Map<String, String> headers() {
        return Map.copyOf(headers);
    }

    /** Reads until the body text contains {@code marker}; returns the whole body so far. */
    public String readUntil(String marker, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!bodyText().contains(marker)) {
            if (!readSome(deadline)) {
                throw new AssertionError("stream ended or timed out before '" + marker + "'; body so far:\n"
                        + bodyText());
            }
        }
        return bodyText();
    }

    /** The next event a conforming parser dispatches. */
    public SseParser.Event nextEvent(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.isEmpty()) {
            if (!readSome(deadline)) {
                throw new AssertionError("no further event within " + timeout.toMillis() + " ms; body so far:\n"
                        + bodyText());
            }
        }
        return events.poll();
    }

    public List<SseParser.Event> nextEvents(int count, Duration timeout) throws IOException {
        List<SseParser.Event> list = new ArrayList<>(count);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (list.size() < count) {
            list.add(nextEvent(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))));
        }
        return list;
    }

    /** Reads until the server ends the response; returns the whole body. */
    public String readToEnd(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (readSome(deadline)) {
            // keep reading
        }
        if (!ended) {
            throw new AssertionError("stream still open after " + timeout.toMillis() + " ms; body:\n" + bodyText());
        }
        return bodyText();
    }

    /** The largest HTTP chunk of the body so far, in bytes of data (0 if not chunked). */
    public int largestChunk() {
        return largestChunk;
    }

    public boolean ended() {
        return ended;
    }

    public SseParser parser() {
        return parser;
    }

    public byte[] bodyBytes() {
        return body.toByteArray();
    }

    public String bodyText() {
        return body.toString(StandardCharsets.UTF_8);
    }

    /** Reads what arrives before the deadline; false when the body ended or time ran out. */
    private boolean readSome(long deadline) throws IOException {
        if (ended) {
            return false;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
        try {
            return chunked ? readChunk() : readRaw();
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            ended = true;
            return false;
        }
    }

    private boolean readRaw() throws IOException {
        byte[] buf = new byte[contentLeft < 0 ? 8192 : (int) Math.min(8192, contentLeft)];
        int n = in.read(buf);
        if (n < 0) {
            ended = true;
            return false;
        }
        append(buf, n);
        if (contentLeft > 0) {
            contentLeft -= n;
            ended = contentLeft == 0;
        }
        return true;
    }

    private boolean readChunk() throws IOException {
        if (chunkLeft == 0) {
            String size = readLine(in);
            if (size == null) {
                ended = true;
                return false;
            }
            if (size.isEmpty()) {
                size = readLine(in);
            }
            if (size == null) {
                ended = true;
                return false;
            }
            chunkLeft = Integer.parseInt(size.split(";")[0].trim(), 16);
            largestChunk = Math.max(largestChunk, chunkLeft);
            if (chunkLeft == 0) {
                readLine(in);
                ended = true;
                return false;
            }
        }
        byte[] buf = new byte[Math.min(chunkLeft, 8192)];
        int n = in.read(buf);
        if (n < 0) {
            ended = true;
            return false;
        }
        chunkLeft -= n;
        append(buf, n);
        return true;
    }

    private void append(byte[] buf, int n) {
        body.write(buf, 0, n);
        undecoded.write(buf, 0, n);
        // decode only whole UTF-8 sequences so a character split across reads is not mangled
        byte[] bytes = undecoded.toByteArray();
        int end = bytes.length;
        for (int i = end - 1; i >= Math.max(0, end - 4); i--) {
            int b = bytes[i] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue;
            }
            int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            if (end - i < need) {
                end = i;
            }
            break;
        }
        events.addAll(parser.feed(new String(bytes, 0, end, StandardCharsets.UTF_8)));
        undecoded.reset();
        undecoded.write(bytes, end, bytes.length - end);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Drops the connection with a reset, as a crashed client would. */
    public void abort() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
