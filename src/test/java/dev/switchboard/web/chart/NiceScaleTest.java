package dev.switchboard.web.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class NiceScaleTest {

    @Test
    void stepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertEquals("200", plain(NiceScale.niceStep(164)));
        assertEquals("500", plain(NiceScale.niceStep(370)));
        assertEquals("100", plain(NiceScale.niceStep(100)));
        assertEquals("1000", plain(NiceScale.niceStep(501)));
        assertEquals("0.2", plain(NiceScale.niceStep(0.14)));
    }

    @Test
    void millisecondsStartAtZeroAndCoverTheMax() {
        assertEquals(List.of("0", "500", "1000", "1500", "2000"), ticks(ChartUnit.MILLISECONDS, 640, 1850));
        assertEquals(List.of("0", "200", "400", "600", "800", "1000"), ticks(ChartUnit.MILLISECONDS, 300, 820));
    }

    @Test
    void aMaxOnATickNeedsNoExtraStep() {
        assertEquals(List.of("0", "20", "40", "60", "80", "100"), ticks(ChartUnit.TOKENS_PER_SECOND, 12, 100));
        assertEquals(List.of("0", "50", "100", "150"), ticks(ChartUnit.TOKENS_PER_SECOND, 12, 101));
    }

    @Test
    void smallAndZeroValuesGetAUsableAxis() {
        assertEquals(List.of("0", "0.2", "0.4", "0.6", "0.8"), ticks(ChartUnit.TOKENS_PER_SECOND, 0.1, 0.7));
        assertEquals(List.of("0", "0.2", "0.4", "0.6", "0.8", "1"), ticks(ChartUnit.TOKENS_PER_SECOND, 0, 0));
    }

    @Test
    void uptimeRunsFromAFloorToAHundred() {
        assertEquals(List.of("90", "92", "94", "96", "98", "100"), ticks(ChartUnit.PERCENT, 97.3, 100));
        assertEquals(List.of("90", "92", "94", "96", "98", "100"), ticks(ChartUnit.PERCENT, 100, 100));
        assertEquals(List.of("40", "60", "80", "100"), ticks(ChartUnit.PERCENT, 42, 99));
        assertEquals(List.of("20", "40", "60", "80", "100"), ticks(ChartUnit.PERCENT, 35, 99));
        assertEquals(List.of("0", "20", "40", "60", "80", "100"), ticks(ChartUnit.PERCENT, 0, 50));
    }

    private static List<String> ticks(ChartUnit unit, double lowest, double highest) {
        return NiceScale.forUnit(unit, lowest, highest).ticks().stream().map(NiceScaleTest::plain).toList();
    }

    private static String plain(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }
}
