package dev.switchboard.usage;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class AdminSessionsTest {

    private final AdminSessions sessions = new AdminSessions("sb-master-one", Duration.ofHours(1));
    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aTokenIsValidUntilItExpiresAndNeverHoldsTheMasterKey() {
        String token = sessions.issue(now);
        assertThat(token).doesNotContain("sb-master-one");
        assertThat(sessions.valid(token, now.plusSeconds(3599))).isTrue();
        assertThat(sessions.valid(token, now.plusSeconds(3600))).isFalse();
    }

    @Test
    void aTamperedTokenOrOneOfAnotherMasterKeyIsRefused() {
        String token = sessions.issue(now);
        String longer = "9" + token; // a later expiry, same signature
        assertThat(sessions.valid(longer, now)).isFalse();
        assertThat(new AdminSessions("sb-master-two", Duration.ofHours(1)).valid(token, now)).isFalse();
        assertThat(sessions.valid("", now)).isFalse();
        assertThat(sessions.valid("a.b", now)).isFalse();
        assertThat(sessions.valid(null, now)).isFalse();
    }

    @Test
    void theCsrfTokenBelongsToItsSession() {
        String one = sessions.issue(now);
        String two = sessions.issue(now);
        assertThat(sessions.csrfMatches(one, sessions.csrf(one))).isTrue();
        assertThat(sessions.csrfMatches(one, sessions.csrf(two))).isFalse();
        assertThat(sessions.csrfMatches(one, null)).isFalse();
    }
}
