package dev.switchboard.limits;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every key with its limits and its usage in its own current period, in one query (the generation log's index on
 * {@code (key_id, created_at)} serves each key's range). The admin page shows it; {@link KeySpend} is refreshed from it.
 */
@ApplicationScoped
public class KeyUsageQueries {

    private static final String QUERY = """
            select k.id, k.name, k.prefix, k.created_at, k.revoked_at, k.rpm_limit, k.tpm_limit, k.budget_usd,
                   k.budget_period, count(g.id),
                   coalesce(sum(coalesce(g.input_tokens, 0) + coalesce(g.output_tokens, 0)), 0),
                   coalesce(sum(g.cost_usd), 0)
            from api_keys k
            left join generations g on g.key_id = k.id and g.created_at >= case k.budget_period
                when 'daily' then ?::timestamptz when 'weekly' then ?::timestamptz
                when 'monthly' then ?::timestamptz else ?::timestamptz end
            group by k.id
            order by k.created_at desc, k.id""";

    @Inject
    DataSource dataSource;

    @Inject
    LimitsClock clock;

    /** Every key, newest first, revoked ones too. */
    public List<KeyUsage> all() throws SQLException {
        Instant now = clock.now();
        List<KeyUsage> keys = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(QUERY)) {
            int i = 1;
            for (BudgetPeriod p : BudgetPeriod.values()) {
                ps.setTimestamp(i++, Timestamp.from(p.start(now)));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    BudgetPeriod period = BudgetPeriod.parse(rs.getString(9));
                    BigDecimal budget = rs.getBigDecimal(8);
                    KeyLimits limits = new KeyLimits((Integer) rs.getObject(6), (Integer) rs.getObject(7), budget,
                            period);
                    BigDecimal spent = rs.getBigDecimal(12);
                    Timestamp revoked = rs.getTimestamp(5);
                    keys.add(new KeyUsage(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getTimestamp(4).toInstant(), revoked == null ? null : revoked.toInstant(), limits,
                            period.start(now), period.resetsAt(now), rs.getLong(10), rs.getLong(11), spent,
                            budget == null ? null : budget.subtract(spent).max(BigDecimal.ZERO)));
                }
            }
        }
        return keys;
    }
}
