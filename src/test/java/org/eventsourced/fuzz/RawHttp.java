package org.eventsourced.fuzz;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One request as raw bytes on a fresh socket, and the response heads that come back, read with a
 * deadline. Nothing is interpreted beyond the status line and header lines, so whatever the
 * server writes is seen as it crossed the wire.
 */
final class RawHttp {
    /** The longest response head we accept before calling it garbage. */
    private static final int MAX_HEAD = 64 * 1024;

    private RawHttp() {
    }

    /** How the client leaves once it has read what it wanted. */
    enum Leave { CLOSE, RESET, HALF_CLOSE_THEN_CLOSE }

    /**
     * A request: the bytes, written in these pieces, whether the client half-closes after
     * writing, how many responses it waits for (pipelining), and how it leaves.
     */
    record Request(String description, List<byte[]> pieces, boolean halfClose, int responses, Leave leave) {
        /** A HEAD request's answers have no body to skip, whatever their Content-Length says. */
        boolean isHead() {
            byte[] b = pieces.isEmpty() ? new byte[0] : pieces.get(0);
            return b.length >= 5 && new String(b, 0, 5, StandardCharsets.ISO_8859_1).equals("HEAD ");
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            pieces.forEach(out::writeBytes);
            return out.toByteArray();
        }
    }

    /** A response head as read: the status line, the raw header lines, and the headers by lower-case name. */
    record Head(String statusLine, int status, List<byte[]> rawHeaderLines, Map<String, List<String>> headers) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        boolean isEventStream() {
            String type = header("Content-Type");
            return type != null && type.startsWith("text/event-stream");
        }
    }

    /**
     * What came back: the heads in order; then either the connection closed, or the wait for the
     * next head timed out, or something that is not HTTP arrived.
     */
    record Result(List<Head> heads, boolean closed, boolean timedOut, String garbage, boolean writeFailed) {
    }

    /**
     * Sends the request and reads up to {@code request.responses()} final responses, waiting at
     * most {@code answerMillis} for each; a watchdog ends the whole exchange after
     * {@code watchdogMillis} even if a write blocks.
     */
    static Result exchange(InetSocketAddress server, Request request, int answerMillis, int watchdogMillis)
            throws Exception {
        AtomicReference<Socket> open = new AtomicReference<>();
        try (ExecutorService thread = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Result> result = thread.submit(() -> run(server, request, answerMillis, open));
            try {
                return result.get(watchdogMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                Socket socket = open.get();
                if (socket != null) {
                    socket.close();
                }
                result.cancel(true);
                throw new AssertionError("the exchange hung for " + watchdogMillis + " ms (a write or read did not"
                        + " return): " + request.description());
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
    }

    private static Result run(InetSocketAddress server, Request request, int answerMillis,
            AtomicReference<Socket> open) throws IOException {
        try (Socket socket = new Socket()) {
            open.set(socket);
            socket.connect(new InetSocketAddress("127.0.0.1", server.getPort()), 5_000);
            socket.setSoTimeout(answerMillis);
            boolean writeFailed = false;
            try {
                OutputStream out = socket.getOutputStream();
                for (byte[] piece : request.pieces()) {
                    out.write(piece);
                    out.flush();
                }
                if (request.halfClose()) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                writeFailed = true; // the server may hang up on what it has already read
            }
            InputStream in = new BufferedInputStream(socket.getInputStream());
            List<Head> heads = new ArrayList<>();
            Result result = null;
            while (result == null && heads.size() < request.responses()) {
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                HeadRead read = readHead(in, raw);
                switch (read) {
                    case CLOSED -> result = raw.size() == 0 ? new Result(heads, true, false, null, writeFailed)
                            : new Result(heads, true, false, "connection closed inside a response head: "
                                    + Gen.show(raw.toByteArray()), writeFailed);
                    case TIMED_OUT -> result = new Result(heads, false, true, raw.size() == 0 ? null
                            : "an unfinished response head: " + Gen.show(raw.toByteArray()), writeFailed);
                    case TOO_LONG -> result = new Result(heads, false, false, "a response head over " + MAX_HEAD
                            + " bytes: " + Gen.show(raw.toByteArray()), writeFailed);
                    case HEAD -> {
                        Head head = parse(raw.toByteArray());
                        if (head == null) {
                            result = new Result(heads, false, false, "not an HTTP response: "
                                    + Gen.show(raw.toByteArray()), writeFailed);
                        } else if (head.status() >= 100 && head.status() < 200) {
                            continue; // 100 Continue and the like precede the real answer
                        } else {
                            heads.add(head);
                            if (request.isHead() || !skipBody(in, head)) {
                                result = new Result(heads, false, false, null, writeFailed);
                            }
                        }
                    }
                }
            }
            leave(socket, request.leave());
            return result != null ? result : new Result(heads, false, false, null, writeFailed);
        }
    }

    private enum HeadRead { HEAD, CLOSED, TIMED_OUT, TOO_LONG }

    private static HeadRead readHead(InputStream in, ByteArrayOutputStream raw) {
        int matched = 0;
        try {
            while (raw.size() < MAX_HEAD) {
                int b = in.read();
                if (b < 0) {
                    return HeadRead.CLOSED;
                }
                raw.write(b);
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
                if (matched == 4) {
                    return HeadRead.HEAD;
                }
            }
            return HeadRead.TOO_LONG;
        } catch (SocketTimeoutException e) {
            return HeadRead.TIMED_OUT;
        } catch (IOException e) {
            return HeadRead.CLOSED; // a reset
        }
    }

    /** Skips a body of known length; false when the body runs on (a stream) or cannot be delimited. */
    private static boolean skipBody(InputStream in, Head head) throws IOException {
        String length = head.header("Content-Length");
        if (head.isEventStream() || length == null) {
            return head.status() == 204 || head.status() == 304;
        }
        long left;
        try {
            left = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        try {
            while (left > 0) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        return false;
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
        } catch (IOException e) {
            return false;
        }
        return true;
    }

    private static Head parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n");
        String statusLine = text.substring(0, end);
        if (!statusLine.matches("HTTP/1\\.[01] [1-5][0-9][0-9]( [^\\r\\n]*)?")) {
            return null;
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        List<byte[]> lines = new ArrayList<>();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int at = end + 2;
        while (at < raw.length - 2) {
            int next = text.indexOf("\r\n", at);
            if (next == at) {
                break;
            }
            byte[] line = new byte[next - at];
            System.arraycopy(raw, at, line, 0, line.length);
            lines.add(line);
            String s = text.substring(at, next);
            int colon = s.indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(s.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(s.substring(colon + 1).trim());
            }
            at = next + 2;
        }
        return new Head(statusLine, status, lines, headers);
    }

    private static void leave(Socket socket, Leave how) {
        try {
            switch (how) {
                case RESET -> socket.setSoLinger(true, 0);
                case HALF_CLOSE_THEN_CLOSE -> {
                    if (!socket.isOutputShutdown()) {
                        socket.shutdownOutput();
                    }
                }
                case CLOSE -> {
                    // the try-with-resources closes it
                }
            }
        } catch (IOException e) {
            // leaving anyway
        }
    }
}
