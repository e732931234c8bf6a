package dev.switchboard.providers.http;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClientResponse;

/** An upstream response whose body has not been read yet: read it whole, or stream it chunk by chunk as it arrives. */
public final class UpstreamResponse {

    private final HttpClientResponse response;

    UpstreamResponse(HttpClientResponse response) {
        this.response = response;
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
        return response.body().onCancellation().invoke(() -> response.request().reset());
    }

    /** The body as it arrives; cancelling it resets the upstream request. */
    public Multi<Buffer> chunks() {
        return response.toMulti().onCancellation().invoke(() -> {
            // The reset fails the body stream, but whoever cancelled no longer listens: unheard, the failure would
            // be reported as a dropped exception (an ERROR with a stack trace) on every cancelled or failed stream.
            response.exceptionHandler(ignored -> {
            });
            response.request().reset();
        });
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
