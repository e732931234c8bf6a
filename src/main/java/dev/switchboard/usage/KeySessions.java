package dev.switchboard.usage;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;

/**
 * A key holder's session of their own usage page, without server state: the key's id and an expiry, signed with an
 * HMAC key derived from the key's stored hash. So the cookie never holds the key, every replica checks it from the
 * keys it has in memory, a forged id fails for want of that key's hash, and revoking the key ends its sessions.
 */
final class KeySessions {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private KeySessions() {
    }

    static String issue(String keyId, String keyHash, Instant expiry) {
        String body = expiry.getEpochSecond() + "." + keyId;
        return body + "." + B64.encodeToString(hmac(macKey(keyHash), body));
    }

    /** The key id a token names, before it is checked; null when it is not shaped like one. */
    static String keyId(String token) {
        if (token == null) {
            return null;
        }
        int firstDot = token.indexOf('.');
        int lastDot = token.lastIndexOf('.');
        return firstDot <= 0 || lastDot <= firstDot + 1 ? null : token.substring(firstDot + 1, lastDot);
    }

    /** Whether the token was signed for the key of this hash and has not expired. */
    static boolean valid(String token, String keyHash, Instant now) {
        String id = keyId(token);
        if (id == null) {
            return false;
        }
        int lastDot = token.lastIndexOf('.');
        String body = token.substring(0, lastDot);
        byte[] expected = B64.encode(hmac(macKey(keyHash), body));
        if (!MessageDigest.isEqual(expected, token.substring(lastDot + 1).getBytes(StandardCharsets.US_ASCII))) {
            return false;
        }
        try {
            return Long.parseLong(token.substring(0, token.indexOf('.'))) > now.getEpochSecond();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static byte[] macKey(String keyHash) {
        // a key of its own for this use: the stored hash also identifies the key at every call
        return hmac(keyHash.getBytes(StandardCharsets.US_ASCII), "switchboard usage session v1");
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
