package org.eventsourced.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/** Random text and bytes biased towards what breaks parsers, and a way to show them in a message. */
final class Gen {
    /** Characters that have broken line-based and name-based code before. */
    static final List<String> TRICKY = List.of("\r", "\n", "\r\n", "\n\r", "\0", "\t", "\u000B", "\u000C",
            "\u007F", "\u0085", "\u00A0", "\u2028", "\u2029", "\uFEFF", "\uFFFD", "\uFFFE", "\uFFFF", "\u3000",
            "%", "%0", "%zz", "%00", "%0D%0A", "+", "&", "=", ";", ":", "\"", "'", "\\", "$", "{", "}", "${",
            "amq.", "\u00e9", "\u4e2d", "\uD83D\uDE00", "\uDBFF\uDFFF", " ");

    private Gen() {
    }

    /** A string of any UTF-16 units: printable ASCII, controls, tricky pieces, BMP, astral, lone surrogates. */
    static String text(Random r, int maxLength) {
        return text(r, maxLength, true);
    }

    /** As {@link #text}, but well-formed UTF-16 (no lone surrogates), so it has an exact UTF-8 form. */
    static String validText(Random r, int maxLength) {
        return text(r, maxLength, false);
    }

    private static String text(Random r, int maxLength, boolean loneSurrogates) {
        int length = maxLength <= 0 ? 0 : r.nextInt(maxLength + 1);
        StringBuilder s = new StringBuilder(length);
        int flavour = r.nextInt(4);
        while (s.length() < length) {
            int pick = r.nextInt(20);
            if (flavour == 0 || pick < 8) {
                s.append((char) (0x20 + r.nextInt(0x5F)));
            } else if (pick < 11) {
                s.append(TRICKY.get(r.nextInt(TRICKY.size())));
            } else if (pick < 13) {
                s.append((char) r.nextInt(0x20));
            } else if (pick < 16) {
                s.appendCodePoint(bmpNonSurrogate(r));
            } else if (pick < 18) {
                s.appendCodePoint(0x10000 + r.nextInt(0x100000));
            } else if (loneSurrogates) {
                s.append((char) (0xD800 + r.nextInt(0x800)));
            } else {
                s.append("\r\n");
            }
        }
        return s.toString();
    }

    private static int bmpNonSurrogate(Random r) {
        int c = 0x80 + r.nextInt(0xFFFF - 0x80);
        return Character.isSurrogate((char) c) ? 0xE000 : c;
    }

    /** Bytes with valid UTF-8 pieces, every kind of malformed sequence, CR and LF. */
    static byte[] bytes(Random r, int maxLength) {
        int length = maxLength <= 0 ? 0 : r.nextInt(maxLength + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 8);
        while (out.size() < length) {
            switch (r.nextInt(12)) {
                case 0, 1, 2 -> out.write(0x20 + r.nextInt(0x5F));
                case 3 -> out.writeBytes(validText(r, 4).getBytes(StandardCharsets.UTF_8));
                case 4 -> out.write(r.nextBoolean() ? '\r' : '\n');
                case 5 -> out.write(r.nextInt(256));
                case 6 -> out.write(0x80 + r.nextInt(0x40)); // a lone continuation byte
                case 7 -> out.writeBytes(truncated(r));
                case 8 -> out.writeBytes(MALFORMED.get(r.nextInt(MALFORMED.size())));
                case 9 -> out.writeBytes(new byte[] {(byte) 0xED, (byte) (0xA0 + r.nextInt(0x20)),
                    (byte) (0x80 + r.nextInt(0x40))}); // a surrogate encoded as if it were a character
                case 10 -> out.write(0);
                default -> out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out.toByteArray();
    }

    private static final List<byte[]> MALFORMED = List.of(
            new byte[] {(byte) 0xC0, (byte) 0x80}, // overlong NUL
            new byte[] {(byte) 0xC1, (byte) 0xBF},
            new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0x80}, // overlong
            new byte[] {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
            new byte[] {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // 5-byte form
            new byte[] {(byte) 0xFE}, new byte[] {(byte) 0xFF},
            new byte[] {(byte) 0xE2, (byte) 0x0D}, // CR inside a sequence
            new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x0A},
            new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}); // a BOM (valid, but mid-stream)

    /** The first bytes of a multi-byte character, without its end. */
    private static byte[] truncated(Random r) {
        byte[] whole = new String(Character.toChars(0x80 + r.nextInt(0x10FF80 - 0x800)))
                .getBytes(StandardCharsets.UTF_8);
        int keep = 1 + r.nextInt(Math.max(1, whole.length - 1));
        byte[] part = new byte[keep];
        System.arraycopy(whole, 0, part, 0, keep);
        return part;
    }

    static <T> T oneOf(Random r, List<T> options) {
        return options.get(r.nextInt(options.size()));
    }

    /** Text as a failure message shows it: Java escapes for anything not printable ASCII, cut at 300. */
    static String show(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 300; i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c >= 0x20 && c < 0x7F) {
                out.append(c);
            } else {
                out.append("\\u");
                hex(out, c, 4);
            }
        }
        return "\"" + out + (text.length() > 300 || out.length() >= 300 ? "...(" + text.length() + " chars)" : "")
                + "\"";
    }

    static String show(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < bytes.length && out.length() < 300; i++) {
            int b = bytes[i] & 0xFF;
            if (b >= 0x20 && b < 0x7F && b != '\\') {
                out.append((char) b);
            } else {
                hex(out.append("\\x"), b, 2);
            }
        }
        return "b\"" + out + (out.length() >= 300 ? "...(" + bytes.length + " bytes)" : "") + "\"";
    }

    /** A whole file for a failure message: its lines as they are, anything else unprintable escaped. */
    static String listing(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c >= 0x20 && c != 0x7F && !Character.isSurrogate(c) && c != '\uFFFD') {
                out.append(c);
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else {
                hex(out.append("\\u"), c, 4);
            }
        }
        return out.toString();
    }

    private static void hex(StringBuilder out, int value, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            out.append(Character.forDigit(value >> shift & 0xF, 16));
        }
    }
}
