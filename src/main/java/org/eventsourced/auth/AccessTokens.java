package org.eventsourced.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the tokens an application's backend issues for a queue.
 *
 * <p>Format: {@code <expires>.<signature>}, where {@code expires} is the expiry in Unix seconds
 * and {@code signature} is the unpadded base64url HMAC-SHA256, keyed with the shared secret,
 * of {@code <queue name> + "\n" + <expires>}. A few lines in any language with a standard
 * library; the queue name is not in the token, so a token for one queue never opens another.
 * Thread-safe.
 */
public final class AccessTokens {
    private static final String ALGORITHM = "HmacSHA256";
    private static final int MAX_TOKEN_LENGTH = 128;

    private final List<SecretKeySpec> keys;

    private AccessTokens(List<SecretKeySpec> keys) {
        this.keys = List.copyOf(keys);
    }

    /** Verifies with any of {@code secrets} (the current one and one being retired). */
    public static AccessTokens of(List<String> secrets) {
        List<SecretKeySpec> keys = new ArrayList<>();
        for (String secret : secrets) {
            keys.add(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
        }
        return new AccessTokens(keys);
    }

    /** The outcome of a check; reasons never contain the token. */
    public sealed interface Verdict {
        /** Valid until {@code expiresEpochSecond}. */
        record Valid(long expiresEpochSecond) implements Verdict {
        }

        /** Refused: {@code status} is 401 (missing, malformed, expired) or 403 (wrong signature). */
        record Refused(int status, String reason) implements Verdict {
        }
    }

    public Verdict check(String queue, String token, long nowEpochSecond) {
        if (token == null || token.isEmpty()) {
            return new Verdict.Refused(401, "access token required");
        }
        int dot = token.indexOf('.');
        if (token.length() > MAX_TOKEN_LENGTH || dot <= 0 || dot > 19 || !digits(token, 0, dot)) {
            return new Verdict.Refused(401, "malformed access token");
        }
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return new Verdict.Refused(401, "malformed access token");
        }
        String expires = token.substring(0, dot);
        boolean signed = false;
        for (SecretKeySpec key : keys) {
            // every key is tried, so timing does not tell which one matched
            signed |= MessageDigest.isEqual(sign(key, queue, expires), signature);
        }
        if (!signed) {
            return new Verdict.Refused(403, "access token not valid for this queue");
        }
        long expiry = Long.parseLong(expires);
        if (expiry <= nowEpochSecond) {
            return new Verdict.Refused(401, "access token expired");
        }
        return new Verdict.Valid(expiry);
    }

    /** Issues a token; the server never needs this, tests and the README's examples do. */
    public static String issue(String secret, String queue, long expiresEpochSecond) {
        SecretKeySpec key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        String expires = Long.toString(expiresEpochSecond);
        return expires + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sign(key, queue, expires));
    }

    private static byte[] sign(SecretKeySpec key, String queue, String expires) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal((queue + "\n" + expires).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
