package dev.switchboard.limits;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the log names the configured Redis: host and port only, never the password a URL may carry. */
class RateLimiterProducerTest {

    @Test
    void theLogNamesHostAndPortAndNeverThePassword() {
        assertThat(RateLimiterProducer.describe("redis://:s3cret-pw@cache.internal:6380/2"))
                .isEqualTo("cache.internal:6380");
        assertThat(RateLimiterProducer.describe("rediss://gateway:s3cret-pw@cache.internal"))
                .isEqualTo("cache.internal:6379");
        assertThat(RateLimiterProducer.describe(" redis://127.0.0.1:6379 ")).isEqualTo("127.0.0.1:6379");
        // not a URL that can be taken apart: nothing of it is quoted
        assertThat(RateLimiterProducer.describe("redis://:s3cret pw@cache")).isEqualTo("the configured Redis");
        assertThat(RateLimiterProducer.describe("s3cret-pw")).isEqualTo("the configured Redis");
    }
}
