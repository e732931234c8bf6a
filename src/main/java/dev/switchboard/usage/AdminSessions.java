package dev.switchboard.usage;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Sessions of the admin pages without server state (so every replica accepts them): a token is its expiry and a
 * random nonce, signed with an HMAC key derived from the master key. The cookie never holds the master key, and a new
 * master key ends every session. The CSRF token of a session is an HMAC of the session token.
 */
final class AdminSessions {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] macKey;
    private final Duration lifetime;

    AdminSessions(String masterKey, Duration lifetime) {
        // A key of its own for this use, so that an HMAC seen anywhere says nothing about the master key's other uses.
        this.macKey = hmac(masterKey.getBytes(StandardCharsets.UTF_8), "switchboard admin session v1");
        this.lifetime = lifetime;
    }

    /** A new session token, valid for the configured lifetime from {@code now}. */
    String issue(Instant now) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String body = now.plus(lifetime).getEpochSecond() + "." + B64.encodeToString(nonce);
        return body + "." + B64.encodeToString(hmac(macKey, body));
    }

    /** Whether the token was issued with this master key and has not expired. */
    boolean valid(String token, Instant now) {
        if (token == null) {
            return false;
        }
        int lastDot = token.lastIndexOf('.');
        int firstDot = token.indexOf('.');
        if (firstDot <= 0 || lastDot <= firstDot) {
            return false;
        }
        String body = token.substring(0, lastDot);
        byte[] expected = B64.encode(hmac(macKey, body));
        if (!MessageDigest.isEqual(expected, token.substring(lastDot + 1).getBytes(StandardCharsets.US_ASCII))) {
            return false;
        }
        try {
            return Long.parseLong(token.substring(0, firstDot)) > now.getEpochSecond();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The CSRF token forms of this session carry. */
    String csrf(String sessionToken) {
        return B64.encodeToString(hmac(macKey, "csrf." + sessionToken));
    }

    boolean csrfMatches(String sessionToken, String presented) {
        return presented != null && MessageDigest.isEqual(csrf(sessionToken).getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }

    Duration lifetime() {
        return lifetime;
    }

    private static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
