package dev.switchboard.usage;

import dev.switchboard.usage.UsagePage.KeyOption;
import dev.switchboard.usage.UsagePage.Row;
import dev.switchboard.usage.UsagePage.View;
import dev.switchboard.web.chart.DailyBars;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The report both usage pages show (the operator's of every key, a key holder's of their own), from the JSON API's sums. */
@ApplicationScoped
class UsageReports {

    @Inject
    UsageQueries queries;

    /**
     * The view of a query: its report, or only the reason when the query was refused.
     *
     * @param keys  the keys the operator can narrow to; empty on a key holder's page
     * @param scope whose usage it is, in words; null to name the selected key (or every key)
     */
    View view(UsageFilter filter, List<KeyOption> keys, String scope, String csrf, boolean admin) {
        List<UsageQueries.GroupBy> groupings = List.of(UsageQueries.GroupBy.values());
        if (filter.problem() != null) {
            return new View(filter, groupings, keys, null, List.of(), null, null, filter.problem(), csrf, admin);
        }
        LocalDate toExclusive = filter.to() == null ? null : filter.to().plusDays(1);
        List<Row> rows = queries.grouped(filter.keyId(), filter.groupBy(), filter.from(), toExclusive).stream()
                .map(r -> new Row(r.group(), r.totals())).toList();
        // every generation falls in exactly one group, so the groups add up to the range's totals
        long requests = 0;
        long input = 0;
        long output = 0;
        BigDecimal cost = BigDecimal.ZERO;
        for (Row r : rows) {
            requests += r.totals().requests();
            input += r.totals().inputTokens();
            output += r.totals().outputTokens();
            cost = cost.add(r.totals().cost());
        }
        DailyBars bars = null;
        if (filter.from() != null && filter.to() != null
                && filter.from().plusDays(DailyBars.MAX_DAYS).isAfter(filter.to())) {
            List<UsageQueries.Row> days = filter.groupBy() == UsageQueries.GroupBy.DAY
                    ? rows.stream().map(r -> new UsageQueries.Row(r.group(), r.totals())).toList()
                    : queries.grouped(filter.keyId(), UsageQueries.GroupBy.DAY, filter.from(), toExclusive);
            Map<LocalDate, Long> perDay = new TreeMap<>();
            for (UsageQueries.Row d : days) {
                perDay.put(LocalDate.parse(d.group()), d.totals().requests());
            }
            bars = DailyBars.of("usage-per-day", "Requests per day", "request", filter.from(), filter.to(), perDay);
        }
        String whose = scope != null ? scope : filter.keyId() == null ? "every key" : keys.stream()
                .filter(KeyOption::selected).map(KeyOption::label).findFirst().orElse(filter.keyId());
        return new View(filter, groupings, keys, new UsageQueries.Totals(requests, input, output, cost), rows, bars,
                whose, null, csrf, admin);
    }
}
