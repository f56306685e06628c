package org.eventsourced.fuzz;

/**
 * UTF-8 decoding exactly as a browser does it (WHATWG Encoding Standard, "UTF-8 decoder"):
 * each maximal invalid subpart becomes one U+FFFD, and a leading BOM is dropped. Written out
 * here, independent of the JDK's decoder, as the oracle for what an EventSource shows.
 */
final class WhatwgUtf8 {
    private WhatwgUtf8() {
    }

    /** The text a browser reads from a whole stream ("UTF-8 decode": a leading BOM is removed). */
    static String decodeStream(byte[] bytes) {
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        return decode(bytes, start);
    }

    /** Decodes without removing a BOM: what a message body means once it is inside a stream. */
    static String decode(byte[] bytes) {
        return decode(bytes, 0);
    }

    /** Whether the bytes are well-formed UTF-8: the decoder met no error. */
    static boolean isValid(byte[] bytes) {
        int[] errors = new int[1];
        decode(bytes, 0, errors);
        return errors[0] == 0;
    }

    private static String decode(byte[] bytes, int start) {
        return decode(bytes, start, new int[1]);
    }

    private static String decode(byte[] bytes, int start, int[] errors) {
        StringBuilder out = new StringBuilder(bytes.length);
        int codePoint = 0;
        int needed = 0;
        int seen = 0;
        int lower = 0x80;
        int upper = 0xBF;
        for (int i = start; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            if (needed == 0) {
                if (b <= 0x7F) {
                    out.append((char) b);
                } else if (b >= 0xC2 && b <= 0xDF) {
                    needed = 1;
                    codePoint = b & 0x1F;
                } else if (b >= 0xE0 && b <= 0xEF) {
                    lower = b == 0xE0 ? 0xA0 : 0x80;
                    upper = b == 0xED ? 0x9F : 0xBF;
                    needed = 2;
                    codePoint = b & 0x0F;
                } else if (b >= 0xF0 && b <= 0xF4) {
                    lower = b == 0xF0 ? 0x90 : 0x80;
                    upper = b == 0xF4 ? 0x8F : 0xBF;
                    needed = 3;
                    codePoint = b & 0x07;
                } else {
                    out.append('\uFFFD');
                    errors[0]++;
                }
                continue;
            }
            if (b < lower || b > upper) {
                codePoint = 0;
                needed = 0;
                seen = 0;
                lower = 0x80;
                upper = 0xBF;
                out.append('\uFFFD');
                errors[0]++;
                i--; // the byte starts over
                continue;
            }
            lower = 0x80;
            upper = 0xBF;
            codePoint = codePoint << 6 | b & 0x3F;
            seen++;
            if (seen == needed) {
                out.appendCodePoint(codePoint);
                codePoint = 0;
                needed = 0;
                seen = 0;
            }
        }
        if (needed != 0) {
            out.append('\uFFFD');
            errors[0]++;
        }
        return out.toString();
    }
}
