package dev.switchboard.limits;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import java.time.Instant;

/** The real clock; a test replaces it with a bean of its own. */
@ApplicationScoped
public class SystemLimitsClock {

    @Produces
    @DefaultBean
    @ApplicationScoped
    LimitsClock clock() {
        return new LimitsClock() {
            @Override
            public long millis() {
                return System.currentTimeMillis();
            }

            @Override
            public Instant now() {
                return Instant.now();
            }
        };
    }
}
