package org.eventsourced.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Decodes an HTTP/1.1 chunked body (RFC 9112 section 7.1); a body cut short is an EOFException, never a quiet end. */
final class ChunkedInput extends InputStream {
    private final InputStream in;
    private long remaining;
    private boolean needCrlf;
    private boolean eof;

    ChunkedInput(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (eof) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        if (remaining == 0) {
            if (needCrlf) {
                String crlf = readLine();
                if (!crlf.isEmpty()) {
                    throw new IOException("chunk not followed by CRLF: " + crlf);
                }
                needCrlf = false;
            }
            remaining = chunkSize(readLine());
            if (remaining == 0) {
                while (!readLine().isEmpty()) {
                    // trailer fields: none expected, none used
                }
                eof = true;
                return -1;
            }
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("connection closed inside a chunk");
        }
        remaining -= n;
        if (remaining == 0) {
            needCrlf = true;
        }
        return n;
    }

    private static long chunkSize(String line) throws IOException {
        int semi = line.indexOf(';');
        String hex = (semi < 0 ? line : line.substring(0, semi)).trim();
        try {
            long size = Long.parseLong(hex, 16);
            if (size < 0) {
                throw new NumberFormatException();
            }
            return size;
        } catch (NumberFormatException e) {
            throw new IOException("bad chunk size line: " + line);
        }
    }

    /** Reads one CRLF (or bare LF) terminated line of the chunk framing. */
    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder(8);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed inside the chunk framing");
            }
            if (c == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') {
                    sb.setLength(n - 1);
                }
                return sb.toString();
            }
            if (sb.length() > 1024) {
                throw new IOException("chunk framing line too long");
            }
            sb.append((char) c);
        }
    }
}
