package dev.switchboard.providers.http;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClientResponse;

import java.util.concurrent.Flow;

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
        Multi<Buffer> body = response.toMulti();
        return Multi.createFrom().publisher(downstream -> body.subscribe(new Flow.Subscriber<Buffer>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                downstream.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                        subscription.request(n);
                    }

                    @Override
                    public void cancel() {
                        // detach from the body first: the reset fails it, and that failure, arriving after the
                        // cancellation, would only be logged as a dropped exception on every cancelled stream
                        subscription.cancel();
                        response.request().reset();
                    }
                });
            }

            @Override
            public void onNext(Buffer chunk) {
                downstream.onNext(chunk);
            }

            @Override
            public void onError(Throwable failure) {
                downstream.onError(failure);
            }

            @Override
            public void onComplete() {
                downstream.onComplete();
            }
        }));
    }
}
