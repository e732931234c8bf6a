package dev.switchboard.usage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * What a gateway key is made of: {@code sb-} and 43 URL-safe base64 characters (32 bytes from {@link SecureRandom}),
 * stored only as the SHA-256 of the whole key. A fast hash is right here: the key has 256 bits of entropy, so nothing
 * is gained by slowing down the check every proxied call makes.
 */
public final class KeyMaterial {

    public static final String KEY_PREFIX = "sb-";
    /** How much of a key is shown to tell keys apart: {@code sb-} and 6 characters, 36 bits, never enough to guess. */
    static final int SHOWN_CHARS = KEY_PREFIX.length() + 6;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

    private KeyMaterial() {
    }

    /** A new key: {@code sb-} and 43 URL-safe base64 characters. */
    public static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return KEY_PREFIX + URL_SAFE.encodeToString(bytes);
    }

    /** A new key id, {@code key_} and 16 random characters: an id is not a secret, only unique. */
    public static String newId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "key_" + URL_SAFE.encodeToString(bytes);
    }

    /** The lower-case hex SHA-256 of the key's UTF-8 bytes, as stored in {@code api_keys.key_hash}. */
    public static String hash(String key) {
        return HexFormat.of().formatHex(sha256(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** The start of a key shown to identify it, e.g. {@code sb-Ab3dE9}. */
    public static String prefix(String key) {
        return key.substring(0, Math.min(SHOWN_CHARS, key.length()));
    }

    /**
     * Compares a presented secret with the expected one in time independent of where they differ and of their
     * lengths (both are hashed first).
     */
    public static boolean constantTimeEquals(String presented, String expected) {
        if (presented == null || expected == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(presented.getBytes(StandardCharsets.UTF_8)),
                sha256(expected.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
