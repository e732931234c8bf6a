package dev.switchboard.providers.http;

import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.providers.CallTimers;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClientResponse;

import java.time.Duration;

/**
 * An upstream response whose body has not been read yet: read it whole, or stream it chunk by chunk as it arrives.
 * Start reading in the same pipeline that received it (on its event loop), as the adapters do: a short body that
 * ends before anyone subscribes to {@link #body()} or {@link #chunks()} cannot be read any more.
 */
public final class UpstreamResponse {

    private final HttpClientResponse response;
    private final Duration idle;

    UpstreamResponse(HttpClientResponse response, Duration idle) {
        this.response = response;
        this.idle = idle;
    }

    public int status() {
        return response.statusCode();
    }

    public MultiMap headers() {
        return response.headers();
    }

    public String header(String name) {
        return response.getHeader(name);
    }

    /** The whole body; cancelling it (a total deadline, say) resets the upstream request. */
    public Uni<Buffer> body() {
        return chunks().collect().in(Buffer::buffer, Buffer::appendBuffer);
    }

    /** The body as it arrives; cancelling it resets the upstream request. */
    public Multi<Buffer> chunks() {
        Multi<Buffer> body = response.toMulti().onCancellation().invoke(() -> {
            // The reset fails the body stream, but whoever cancelled no longer listens: unheard, the failure would
            // be reported as a dropped exception (an ERROR with a stack trace) on every cancelled or failed stream.
            response.exceptionHandler(ignored -> {
            });
            response.request().reset();
        });
        if (idle == null || idle.isZero() || idle.isNegative()) {
            return body;
        }
        // the client's idle timeout does not cover a body that stalls after the head: bound every gap here, the
        // cancellation resetting the request so that the stalled connection is not handed back to the pool
        return IdleDeadline.apply(body, idle, CallTimers.scheduler());
    }

    /**
     * The body whole, keeping at most {@code limit} bytes of it, read through {@link #chunks()} so that a deadline
     * that cancels the read also resets the request.
     */
    public Uni<byte[]> bodyUpTo(int limit) {
        return chunks()
                .collect().in(Buffer::buffer, (all, chunk) -> {
                    if (all.length() < limit) {
                        all.appendBuffer(chunk);
                    }
                })
                .map(Buffer::getBytes);
    }
}
