package dev.switchboard.usage;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class KeyMaterialTest {

    @Test
    void keysAreSbAnd43UrlSafeBase64CharactersAndUnique() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String key = KeyMaterial.newKey();
            assertThat(key).matches("sb-[A-Za-z0-9_-]{43}");
            assertThat(seen.add(key)).isTrue();
        }
        assertThat(KeyMaterial.newId()).matches("key_[A-Za-z0-9_-]{16}");
    }

    @Test
    void theHashIsTheHexSha256OfTheKey() {
        assertThat(KeyMaterial.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        String key = KeyMaterial.newKey();
        assertThat(KeyMaterial.hash(key)).hasSize(64).isEqualTo(KeyMaterial.hash(key)).doesNotContain(key.substring(3));
    }

    @Test
    void thePrefixShowsOnlyTheStart() {
        assertThat(KeyMaterial.prefix("sb-abcdefghijklmnop")).isEqualTo("sb-abcdef");
    }

    @Test
    void constantTimeEqualsComparesWholeValues() {
        assertThat(KeyMaterial.constantTimeEquals("sb-x", "sb-x")).isTrue();
        assertThat(KeyMaterial.constantTimeEquals("sb-x", "sb-xy")).isFalse();
        assertThat(KeyMaterial.constantTimeEquals(null, "sb-x")).isFalse();
    }

    @Test
    void thePresentedKeyIsTheBearerTokenElseTheXApiKeyHeader() {
        assertThat(GatewayKeys.presentedKey("Bearer sb-1", null)).isEqualTo("sb-1");
        assertThat(GatewayKeys.presentedKey("bearer  sb-1 ", "sb-2")).isEqualTo("sb-1");
        assertThat(GatewayKeys.presentedKey(null, "sb-2")).isEqualTo("sb-2");
        assertThat(GatewayKeys.presentedKey("Basic abc", "sb-2")).isEqualTo("sb-2");
        assertThat(GatewayKeys.presentedKey("Basic abc", null)).isNull();
        assertThat(GatewayKeys.presentedKey(null, " ")).isNull();
    }
}
