package org.eventsourced.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * An event-stream parser as the HTML spec's EventSource has it (lines end in CRLF, LF or CR; {@code data} lines
 * joined by LF; one leading space of a value dropped), except that {@code id} is reported per event: a message
 * without its own {@code id:} line shows up with a null id instead of inheriting the previous one.
 */
final class SseParser {
    enum Kind { COMMENT, EVENT, EOF }

    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "id".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RETRY = "retry".getBytes(StandardCharsets.US_ASCII);

    private final InputStream in;
    private final byte[] buf;
    private int pos, lim;
    private byte[] line = new byte[256];
    private int lineLen;
    private boolean skipLf;

    private String firstData;
    private StringBuilder moreData;
    private String id;
    private String type;
    private long unknownFields;

    private String eventId, eventType, eventData;

    SseParser(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    /** Reads up to the next comment line or complete event. */
    Kind next() throws IOException {
        while (readLine()) {
            if (lineLen == 0) {
                if (firstData != null) {
                    eventId = id;
                    eventType = type;
                    eventData = moreData == null ? firstData : moreData.toString();
                    firstData = null;
                    moreData = null;
                    id = null;
                    type = null;
                    return Kind.EVENT;
                }
                id = null;
                type = null;
                continue;
            }
            if (line[0] == ':') {
                return Kind.COMMENT;
            }
            int colon = 0;
            while (colon < lineLen && line[colon] != ':') {
                colon++;
            }
            int v = colon < lineLen ? colon + 1 : lineLen;
            if (v < lineLen && line[v] == ' ') {
                v++;
            }
            String value = new String(line, v, lineLen - v, StandardCharsets.UTF_8);
            if (fieldIs(DATA, colon)) {
                if (firstData == null) {
                    firstData = value;
                } else {
                    if (moreData == null) {
                        moreData = new StringBuilder(firstData);
                    }
                    moreData.append('\n').append(value);
                }
            } else if (fieldIs(ID, colon)) {
                if (value.indexOf('\0') < 0) {
                    id = value;
                }
            } else if (fieldIs(EVENT, colon)) {
                type = value;
            } else if (!fieldIs(RETRY, colon)) {
                unknownFields++;
            }
        }
        return Kind.EOF;
    }

    String eventId() {
        return eventId;
    }

    String eventType() {
        return eventType;
    }

    String eventData() {
        return eventData;
    }

    long unknownFields() {
        return unknownFields;
    }

    private boolean fieldIs(byte[] name, int len) {
        if (len != name.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (line[i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    /** One line into {@code line[0..lineLen)}; false at end of stream (an unterminated last line is dropped). */
    private boolean readLine() throws IOException {
        lineLen = 0;
        while (true) {
            if (pos == lim) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    return false;
                }
                pos = 0;
                lim = n;
                continue;
            }
            if (skipLf) {
                skipLf = false;
                if (buf[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            int start = pos;
            while (pos < lim && buf[pos] != '\n' && buf[pos] != '\r') {
                pos++;
            }
            append(start, pos - start);
            if (pos < lim) {
                skipLf = buf[pos] == '\r';
                pos++;
                return true;
            }
        }
    }

    private void append(int from, int len) {
        if (lineLen + len > line.length) {
            byte[] bigger = new byte[Math.max(line.length * 2, lineLen + len)];
            System.arraycopy(line, 0, bigger, 0, lineLen);
            line = bigger;
        }
        System.arraycopy(buf, from, line, lineLen, len);
        lineLen += len;
    }
}
