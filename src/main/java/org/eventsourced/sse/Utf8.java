package org.eventsourced.sse;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 checks for message bodies, with a fast path for ASCII. */
final class Utf8 {
    private Utf8() {
    }

    static boolean isValid(byte[] data) {
        for (byte b : data) {
            if (b < 0) {
                return decodesStrictly(data);
            }
        }
        return true;
    }

    private static boolean decodesStrictly(byte[] data) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Re-encodes the body with U+FFFD in place of every malformed sequence. */
    static byte[] replaceMalformed(byte[] data) {
        return new String(data, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
    }
}
