package org.eventsourced.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a request a queue name can be made from: decoded query parameters and
 * cookies. Malformed percent-encoding or invalid UTF-8 is refused, not guessed at.
 */
record RequestValues(Map<String, String> query, Map<String, String> cookies) {

    /** Raised for input that cannot be decoded; the message is safe to show to the client. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    static RequestValues parse(String rawQuery, List<String> cookieHeaders) throws MalformedException {
        return new RequestValues(query(rawQuery), cookies(cookieHeaders));
    }

    /** The first value wins when a parameter repeats. */
    static Map<String, String> query(String rawQuery) throws MalformedException {
        Map<String, String> values = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return values;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            values.putIfAbsent(key, value);
        }
        return values;
    }

    static Map<String, String> cookies(List<String> headers) {
        Map<String, String> values = new HashMap<>();
        if (headers == null) {
            return values;
        }
        for (String header : headers) {
            for (String part : header.split(";")) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String name = part.substring(0, eq).trim();
                String value = part.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                // header bytes arrive as ISO-8859-1 chars; browsers send UTF-8
                values.putIfAbsent(name, new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    /** Percent-decoding with {@code +} as space, then strict UTF-8. */
    static String decode(String raw) throws MalformedException {
        if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0 && raw.chars().allMatch(c -> c < 0x80)) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new MalformedException("malformed percent-encoding in query");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new MalformedException("malformed percent-encoding in query");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c <= 0xFF) {
                // the JDK hands the request line over as ISO-8859-1: each char is one raw byte
                bytes.write(c);
            } else {
                throw new MalformedException("query is not valid UTF-8");
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedException("query is not valid UTF-8");
        }
    }
}
