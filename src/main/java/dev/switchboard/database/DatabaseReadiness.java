package dev.switchboard.database;

import dev.switchboard.catalog.CatalogService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.List;

/**
 * The {@code database} readiness check, read from the write-behind buffers rather than by querying the database: it
 * costs nothing per probe and says what matters to a load balancer (see {@link DatabaseState}). The data shows the
 * state and each buffer's queue, e.g. {@code state: buffering, generationsQueued: 412, generationsCapacity: 10000}.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {

    @Inject
    @Any
    Instance<WriteBehind> buffers;

    @Inject
    CatalogService catalog;

    @Override
    public HealthCheckResponse call() {
        List<BufferState> states = buffers.stream().map(WriteBehind::bufferState).toList();
        DatabaseState state = DatabaseState.of(catalog.loaded(), states);
        HealthCheckResponseBuilder response = HealthCheckResponse.named("database").status(state.ready)
                .withData("state", state.id);
        for (BufferState b : states) {
            response.withData(b.name() + "Queued", b.queued()).withData(b.name() + "Capacity", b.capacity());
        }
        return response.build();
    }
}
