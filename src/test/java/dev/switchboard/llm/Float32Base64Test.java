package dev.switchboard.llm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Float32Base64Test {

    @Test
    void encodesLittleEndianFloat32s() {
        // 1.0f is 0x3F800000: little-endian bytes 00 00 80 3F; -2.0f is 0xC0000000: 00 00 00 C0
        assertThat(Float32Base64.encode(new float[] {1.0f, -2.0f})).isEqualTo("AACAPwAAAMA=");
        assertThat(Float32Base64.encode(new float[0])).isEmpty();
    }

    @Test
    void roundTripsEveryValueExactly() {
        float[] vector = {0.0f, -0.0f, 1e-38f, Float.MIN_VALUE, Float.MAX_VALUE, 0.123456789f, -0.5f,
                Float.NaN, Float.POSITIVE_INFINITY};
        float[] back = Float32Base64.decode(Float32Base64.encode(vector));
        assertThat(back).hasSize(vector.length);
        for (int i = 0; i < vector.length; i++) {
            assertThat(Float.floatToRawIntBits(back[i])).as("value %d", i)
                    .isEqualTo(Float.floatToRawIntBits(vector[i]));
        }
    }

    @Test
    void decodesWhatOpenAiSends() {
        assertThat(Float32Base64.decode("AACAPwAAAMA=")).containsExactly(1.0f, -2.0f);
    }

    @Test
    void refusesBytesThatAreNotWholeFloats() {
        assertThatThrownBy(() -> Float32Base64.decode("AAAA")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 bytes");
        assertThatThrownBy(() -> Float32Base64.decode("not base64!")).isInstanceOf(IllegalArgumentException.class);
    }
}
