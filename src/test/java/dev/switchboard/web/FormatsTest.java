package dev.switchboard.web;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class FormatsTest {

    @Test
    void prices() {
        assertThat(Formats.price(new BigDecimal("3.000000"))).isEqualTo("$3");
        assertThat(Formats.price(new BigDecimal("1.5"))).isEqualTo("$1.50");
        assertThat(Formats.price(new BigDecimal("0.15"))).isEqualTo("$0.15");
        assertThat(Formats.price(new BigDecimal("0.075"))).isEqualTo("$0.075");
        assertThat(Formats.price(new BigDecimal("0.1"))).isEqualTo("$0.10");
        assertThat(Formats.price(new BigDecimal("0.0375"))).isEqualTo("$0.0375");
        assertThat(Formats.price(new BigDecimal("1.875"))).isEqualTo("$1.875");
        assertThat(Formats.price(BigDecimal.ZERO)).isEqualTo("free");
        assertThat(Formats.price(null)).isEqualTo("—");
    }

    @Test
    void tokens() {
        assertThat(Formats.tokens(8000)).isEqualTo("8K");
        assertThat(Formats.tokens(131072)).isEqualTo("131K");
        assertThat(Formats.tokens(4096)).isEqualTo("4.1K");
        assertThat(Formats.tokens(200000)).isEqualTo("200K");
        assertThat(Formats.tokens(1_000_000)).isEqualTo("1M");
        assertThat(Formats.tokens(1_048_576)).isEqualTo("1.05M");
        assertThat(Formats.tokens(512)).isEqualTo("512");
        assertThat(Formats.tokens(null)).isEqualTo("—");
    }

    @Test
    void liveNumbersNeverTurnMissingIntoZero() {
        assertThat(Formats.ms(null)).isEqualTo("no data");
        assertThat(Formats.tps(null)).isEqualTo("no data");
        assertThat(Formats.percent(null)).isEqualTo("no data");
        assertThat(Formats.ms(0.0)).isEqualTo("0 ms");
        assertThat(Formats.ms(820.4)).isEqualTo("820 ms");
        assertThat(Formats.ms(1240.0)).isEqualTo("1.24 s");
        assertThat(Formats.tps(85.4)).isEqualTo("85 tok/s");
        assertThat(Formats.tps(1250.0)).isEqualTo("1,250 tok/s");
        assertThat(Formats.tps(7.25)).isEqualTo("7.3 tok/s");
        assertThat(Formats.percent(100.0)).isEqualTo("100%");
        assertThat(Formats.percent(99.5)).isEqualTo("99.5%");
        assertThat(Formats.percent(99.97)).isEqualTo("99.97%");
        assertThat(Formats.samples(1)).isEqualTo("1 sample");
        assertThat(Formats.samples(1234)).isEqualTo("1,234 samples");
        assertThat(Formats.calls(1)).isEqualTo("1 call");
        assertThat(Formats.calls(0)).isEqualTo("0 calls");
        assertThat(Formats.calls(2500)).isEqualTo("2,500 calls");
    }

    @Test
    void countsTakeTheSingularForExactlyOne() {
        assertThat(Formats.counted(1, "model")).isEqualTo("1 model");
        assertThat(Formats.counted(0, "provider")).isEqualTo("0 providers");
        assertThat(Formats.counted(2, "token")).isEqualTo("2 tokens");
        assertThat(Formats.counted(-1, "request")).isEqualTo("-1 requests");
        assertThat(Formats.counted(1_000_000, "call")).isEqualTo("1,000,000 calls");
        assertThat(Formats.noun(1, "model")).isEqualTo("model");
        assertThat(Formats.noun(21, "model")).isEqualTo("models");
        assertThat(Formats.counted(null, "call")).isEqualTo("no data");
    }
}
