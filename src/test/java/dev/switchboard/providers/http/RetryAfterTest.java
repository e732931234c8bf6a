package dev.switchboard.providers.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {

    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    static Duration parse(Map<String, String> headers) {
        return RetryAfter.parse(headers::get, NOW);
    }

    @Test
    void delaySeconds() {
        assertThat(parse(Map.of("retry-after", "20"))).isEqualTo(Duration.ofSeconds(20));
        assertThat(parse(Map.of("retry-after", " 1.5 "))).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void httpDate() {
        assertThat(parse(Map.of("retry-after", "Sun, 01 Jun 2025 12:00:30 GMT"))).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void openAiMillisecondsWin() {
        assertThat(parse(Map.of("retry-after-ms", "1250", "retry-after", "2"))).isEqualTo(Duration.ofMillis(1250));
        assertThat(parse(Map.of("retry-after-ms", "20.5"))).isEqualTo(Duration.ofNanos(20_500_000));
        assertThat(parse(Map.of("retry-after-ms", "soon", "retry-after", "2"))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void absentGarbledOrPastIsNotSaid() {
        assertThat(parse(Map.of())).isNull();
        assertThat(parse(Map.of("retry-after", "later"))).isNull();
        assertThat(parse(Map.of("retry-after", "0"))).isNull();
        assertThat(parse(Map.of("retry-after", "-3"))).isNull();
        assertThat(parse(Map.of("retry-after", "Sun, 01 Jun 2025 11:59:00 GMT"))).isNull();
        assertThat(parse(Map.of("retry-after-ms", "0"))).isNull();
    }

    @Test
    void absurdWaitsAreCapped() {
        assertThat(parse(Map.of("retry-after", "86400000"))).isEqualTo(RetryAfter.MAX);
        assertThat(parse(Map.of("retry-after-ms", "1e12"))).isEqualTo(RetryAfter.MAX);
    }
}
