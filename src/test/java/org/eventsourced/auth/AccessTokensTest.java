package org.eventsourced.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AccessTokensTest {
    private static final String SECRET = "0123456789abcdef-current";
    private static final String OLD = "0123456789abcdef-previous";
    private static final long NOW = 1_800_000_000L;
    private final AccessTokens tokens = AccessTokens.of(List.of(SECRET, OLD));

    @Test
    void validTokenForItsQueueIsAccepted() {
        String token = AccessTokens.issue(SECRET, "user-42", NOW + 60);
        assertEquals(new AccessTokens.Verdict.Valid(NOW + 60), tokens.check("user-42", token, NOW));
    }

    @Test
    void theRetiringSecretStillVerifiesDuringRotation() {
        String token = AccessTokens.issue(OLD, "user-42", NOW + 60);
        assertEquals(new AccessTokens.Verdict.Valid(NOW + 60), tokens.check("user-42", token, NOW));
    }

    @Test
    void refusalsSayWhyWithTheRightStatus() {
        String good = AccessTokens.issue(SECRET, "user-42", NOW + 60);
        assertEquals(new AccessTokens.Verdict.Refused(401, "access token required"), tokens.check("user-42", null, NOW));
        assertEquals(new AccessTokens.Verdict.Refused(401, "malformed access token"),
                tokens.check("user-42", "nonsense", NOW));
        assertEquals(new AccessTokens.Verdict.Refused(401, "malformed access token"),
                tokens.check("user-42", "12x.abc", NOW));
        assertEquals(new AccessTokens.Verdict.Refused(403, "access token not valid for this queue"),
                tokens.check("user-43", good, NOW));
        assertEquals(new AccessTokens.Verdict.Refused(403, "access token not valid for this queue"),
                tokens.check("user-42", (NOW + 999) + good.substring(good.indexOf('.')), NOW));
        assertEquals(new AccessTokens.Verdict.Refused(403, "access token not valid for this queue"),
                tokens.check("user-42", AccessTokens.issue("another-secret-0123", "user-42", NOW + 60), NOW));
        assertEquals(new AccessTokens.Verdict.Refused(401, "access token expired"),
                tokens.check("user-42", AccessTokens.issue(SECRET, "user-42", NOW), NOW));
    }

    @Test
    void formatMatchesTheDocumentedRecipe() throws Exception {
        // README: token = expires + "." + base64url(HMAC-SHA256(secret, queue + "\n" + expires)), no padding
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "HmacSHA256"));
        String signature = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                mac.doFinal(("user-42\n" + (NOW + 60)).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals((NOW + 60) + "." + signature, AccessTokens.issue(SECRET, "user-42", NOW + 60));
    }
}
