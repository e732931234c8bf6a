package dev.switchboard.llm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * OpenAI's {@code encoding_format: "base64"}: a vector's float32 values, little-endian, back to back, in standard
 * base64 with padding. The round trip is exact, so a vector decoded from an upstream and encoded again for the caller
 * is the bytes the upstream sent.
 */
public final class Float32Base64 {

    private Float32Base64() {
    }

    public static String encode(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    /** Throws {@link IllegalArgumentException} for text that is not base64 of a whole number of float32s. */
    public static float[] decode(String base64) {
        byte[] raw = Base64.getDecoder().decode(base64);
        if (raw.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("base64 of " + raw.length + " bytes is not a whole number of float32s");
        }
        float[] vector = new float[raw.length / Float.BYTES];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }
}
