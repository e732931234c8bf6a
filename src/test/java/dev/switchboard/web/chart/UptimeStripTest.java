package dev.switchboard.web.chart;

import static dev.switchboard.web.chart.ChartFixtures.FROM_24H;
import static dev.switchboard.web.chart.ChartFixtures.FROM_7D;
import static dev.switchboard.web.chart.ChartFixtures.TO;
import static dev.switchboard.web.chart.ChartFixtures.hour;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class UptimeStripTest {

    @Test
    void thresholdsAreExactOnCounts() {
        assertEquals(UptimeStatus.UP, UptimeStatus.of(1000, 0));
        assertEquals(UptimeStatus.UP, UptimeStatus.of(995, 5));
        assertEquals(UptimeStatus.DEGRADED, UptimeStatus.of(994, 6));
        assertEquals(UptimeStatus.DEGRADED, UptimeStatus.of(95, 5));
        assertEquals(UptimeStatus.DOWN, UptimeStatus.of(94, 6));
        assertEquals(UptimeStatus.DOWN, UptimeStatus.of(0, 3));
        assertEquals(UptimeStatus.NODATA, UptimeStatus.of(0, 0));
    }

    @Test
    void cellsCarryStatusClassAndTooltip() {
        UptimeStrip strip = UptimeStrip.build("amazon-bedrock", FROM_24H, TO, List.of(
                UptimeHour.of(hour(FROM_24H, 0), 507, 3, 2),
                UptimeHour.of(hour(FROM_24H, 1), 200, 0, 0),
                UptimeHour.of(hour(FROM_24H, 2), 90, 10, 0),
                new UptimeHour(hour(FROM_24H, 3), null, null, null),
                UptimeHour.of(hour(FROM_24H, 4), 0, 0, 5),
                UptimeHour.of(hour(FROM_24H, 5), 1, 0, 0),
                UptimeHour.of(hour(FROM_24H, 6), 996, 4, 0)));

        assertEquals(24, strip.cells().size());
        List<UptimeCell> c = strip.cells();
        assertEquals("degraded", c.get(0).status().cssClass());
        assertEquals("14:00 UTC · 99.4% · 512 calls (3 failed, 2 rate-limited)", c.get(0).tooltip());
        assertEquals(512, c.get(0).calls());

        assertEquals(UptimeStatus.UP, c.get(1).status());
        assertEquals("15:00 UTC · 100% · 200 calls", c.get(1).tooltip());

        assertEquals(UptimeStatus.DOWN, c.get(2).status());
        assertEquals("16:00 UTC · 90.0% · 100 calls (10 failed)", c.get(2).tooltip());
        assertEquals(90.0, c.get(2).uptime());

        assertEquals(UptimeStatus.NODATA, c.get(3).status());
        assertEquals("17:00 UTC · no data", c.get(3).tooltip());
        assertNull(c.get(3).uptime());

        assertEquals(UptimeStatus.NODATA, c.get(4).status());
        assertEquals("18:00 UTC · no uptime data · 5 calls (5 rate-limited)", c.get(4).tooltip());

        assertEquals("19:00 UTC · 100% · 1 call", c.get(5).tooltip());
        assertEquals("20:00 UTC · 99.6% · 1,000 calls (4 failed)", c.get(6).tooltip());
        assertEquals("nodata", c.get(23).status().cssClass());
        assertEquals("13:00 UTC · no data", c.get(23).tooltip());
    }

    @Test
    void cellsTileTheWidth() {
        UptimeStrip strip = UptimeStrip.build("anthropic", FROM_24H, TO, List.of());
        // 640 / 24 = 26.67 per hour, 2 of it a gap.
        assertEquals(0.0, strip.cells().get(0).x());
        assertEquals(24.7, strip.cells().get(0).width());
        assertEquals(26.7, strip.cells().get(1).x());
        assertEquals(613.3, strip.cells().get(23).x());
        assertEquals(24.7, strip.cells().get(23).width());
        assertEquals(24, strip.height());
    }

    @Test
    void aWeekHas168CellsWithDaysInTooltips() {
        UptimeStrip strip = UptimeStrip.build("anthropic", FROM_7D, TO, List.of(
                UptimeHour.of(hour(TO, -1), 1200, 0, 0)));

        assertEquals(168, strip.cells().size());
        UptimeCell last = strip.cells().getLast();
        assertEquals("Mon 24 13:00 UTC · 100% · 1,200 calls", last.tooltip());
        assertEquals(UptimeStatus.UP, last.status());
        // 640 / 168 = 3.81 per hour, 0.5 of it a gap.
        assertEquals(636.2, last.x());
        assertEquals(3.3, last.width());
    }

    @Test
    void repeatedHoursAddUpAndHoursOutsideTheRangeAreIgnored() {
        UptimeStrip strip = UptimeStrip.build("anthropic", FROM_24H, TO, List.of(
                UptimeHour.of(hour(FROM_24H, 0), 100, 0, 0),
                UptimeHour.of(hour(FROM_24H, 0), 0, 1, 0),
                UptimeHour.of(hour(FROM_24H, -1), 0, 50, 0),
                UptimeHour.of(TO, 0, 50, 0)));

        assertEquals("14:00 UTC · 99.0% · 101 calls (1 failed)", strip.cells().getFirst().tooltip());
        assertEquals("anthropic uptime over the last 24 hours: 99.0% of 101 calls; hours: 1 degraded, 23 without data",
                strip.summary());
    }

    @Test
    void summaryCountsHoursByStatus() {
        UptimeStrip strip = UptimeStrip.build("groq", FROM_24H, TO, List.of(
                UptimeHour.of(hour(FROM_24H, 0), 1000, 0, 0),
                UptimeHour.of(hour(FROM_24H, 1), 1000, 0, 3),
                UptimeHour.of(hour(FROM_24H, 2), 80, 20, 0)));

        assertEquals("groq uptime over the last 24 hours: 99.0% of 2,103 calls; hours: 2 up, 1 down, 21 without data",
                strip.summary());
        assertEquals("groq uptime over the last 24 hours: no data", UptimeStrip.build("groq", FROM_24H, TO,
                List.of()).summary());
    }
}
