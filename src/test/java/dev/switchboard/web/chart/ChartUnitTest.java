package dev.switchboard.web.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChartUnitTest {

    @Test
    void millisecondsReadAsMsBelowOneSecondAndSecondsFromThere() {
        assertEquals("0 ms", ChartUnit.MILLISECONDS.format(0));
        assertEquals("850 ms", ChartUnit.MILLISECONDS.format(850));
        assertEquals("820 ms", ChartUnit.MILLISECONDS.format(819.6));
        assertEquals("999 ms", ChartUnit.MILLISECONDS.format(999.4));
        assertEquals("1.0 s", ChartUnit.MILLISECONDS.format(999.6));
        assertEquals("1.2 s", ChartUnit.MILLISECONDS.format(1234));
        assertEquals("12.3 s", ChartUnit.MILLISECONDS.format(12_345));
        assertEquals("125 s", ChartUnit.MILLISECONDS.format(125_000));
    }

    @Test
    void tokensPerSecondAreWholeFromTenAndKeepADecimalBelow() {
        assertEquals("85 tok/s", ChartUnit.TOKENS_PER_SECOND.format(85.4));
        assertEquals("1235 tok/s", ChartUnit.TOKENS_PER_SECOND.format(1234.5));
        assertEquals("8.5 tok/s", ChartUnit.TOKENS_PER_SECOND.format(8.5));
        assertEquals("0.0 tok/s", ChartUnit.TOKENS_PER_SECOND.format(0));
    }

    @Test
    void percentRoundsDownSoFailuresNeverReadAsAHundred() {
        assertEquals("99.5%", ChartUnit.PERCENT.format(99.5));
        assertEquals("99.5%", ChartUnit.PERCENT.format(100.0 * 199 / 200));
        assertEquals("99.4%", ChartUnit.PERCENT.format(99.49));
        assertEquals("99.9%", ChartUnit.PERCENT.format(99.99));
        assertEquals("100%", ChartUnit.PERCENT.format(100));
        assertEquals("95.0%", ChartUnit.PERCENT.format(95));
        assertEquals("0.0%", ChartUnit.PERCENT.format(0));
    }

    @Test
    void axisLabelsUseOneUnitAndNoTrailingZeros() {
        assertEquals(List.of("0 ms", "200 ms", "400 ms"),
                ChartUnit.MILLISECONDS.axisLabels(decimals("0", "200", "400")));
        assertEquals(List.of("0 s", "0.5 s", "1 s", "1.5 s"),
                ChartUnit.MILLISECONDS.axisLabels(decimals("0", "500", "1000", "1500")));
        assertEquals(List.of("0 tok/s", "0.2 tok/s", "0.4 tok/s"),
                ChartUnit.TOKENS_PER_SECOND.axisLabels(decimals("0", "0.2", "0.4")));
        assertEquals(List.of("99%", "99.5%", "100%"), ChartUnit.PERCENT.axisLabels(decimals("99", "99.5", "100")));
    }

    private static List<BigDecimal> decimals(String... values) {
        return java.util.Arrays.stream(values).map(BigDecimal::new).toList();
    }
}
