package dev.switchboard.proxy;

import dev.switchboard.api.ProxyError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.time.Duration;

/** Error answers in the caller's protocol, with the status and headers that go with them. */
final class ProxyResponses {

    private ProxyResponses() {
    }

    static void error(HttpServerResponse response, ClientDialect dialect, ProxyError error, Duration retryAfter,
                      String generationId) {
        if (response.ended() || response.headWritten()) {
            return;
        }
        response.setStatusCode(error.status());
        response.putHeader("content-type", "application/json");
        if (generationId != null) {
            response.putHeader("x-switchboard-generation-id", generationId);
        }
        if (retryAfter != null) {
            response.putHeader("retry-after", Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
        }
        response.end(Buffer.buffer(dialect.encodeError(error)));
    }
}
