package dev.switchboard.providers.http;

import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.providers.CallOptions;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientRequest;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one HTTP client of all adapters: non-blocking, pooled, keep-alive, TLS where the URL says https. Per call it
 * sets the connect timeout and the idle timeout (no byte for that long fails the call), and maps transport failures
 * to {@link UpstreamErrorKind#CONNECTION} / {@link UpstreamErrorKind#TIMEOUT}.
 */
@ApplicationScoped
public class UpstreamHttp {

    private final HttpClient client;

    @Inject
    public UpstreamHttp(Vertx vertx) {
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setDecompressionSupported(true)
                .setVerifyHost(true), new PoolOptions().setHttp1MaxSize(200));
    }

    public Uni<UpstreamResponse> send(UpstreamRequest request, CallOptions options) {
        RequestOptions ro = new RequestOptions()
                .setAbsoluteURI(request.url())
                .setMethod(HttpMethod.valueOf(request.method()))
                .setConnectTimeout(options.connectTimeout().toMillis())
                .setIdleTimeout(options.idleTimeout().toMillis());
        request.headers().forEach(ro::putHeader);
        // added after signing, so a signed request (Bedrock's SigV4) stays valid: unsigned headers are allowed
        options.traceHeaders().forEach(ro::putHeader);
        // Cancelled before the response head arrived (the caller left, or a first-token or total deadline fired
        // while the provider hangs): reset the request, or it would hold a pooled connection until the idle timeout.
        AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
        return client.request(ro)
                .invoke(inFlight::set)
                .onItem().transformToUni(r -> request.body() == null ? r.send() : r.send(Buffer.buffer(request.body())))
                .onItem().transform(r -> new UpstreamResponse(r, options.idleTimeout()))
                .onCancellation().invoke(() -> {
                    HttpClientRequest r = inFlight.get();
                    if (r != null) {
                        r.reset();
                    }
                })
                .onFailure(f -> !(f instanceof UpstreamError)).transform(UpstreamHttp::classify);
    }

    /** A transport failure in our terms; the message names no URL (it may hold a key in its query). */
    public static UpstreamError classify(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            if (cause instanceof TimeoutException || cause instanceof ConnectException) {
                break;
            }
            cause = cause.getCause();
        }
        if (cause instanceof TimeoutException || failure instanceof TimeoutException
                || String.valueOf(failure.getMessage()).contains("timeout")) {
            return UpstreamError.of(UpstreamErrorKind.TIMEOUT, "The provider did not answer in time");
        }
        if (cause instanceof UnknownHostException) {
            return UpstreamError.of(UpstreamErrorKind.CONNECTION, "The provider's host name does not resolve");
        }
        if (cause instanceof ConnectException) {
            return UpstreamError.of(UpstreamErrorKind.CONNECTION, "Could not connect to the provider");
        }
        return UpstreamError.of(UpstreamErrorKind.CONNECTION, "The connection to the provider failed");
    }

    @PreDestroy
    void close() {
        client.closeAndAwait();
    }
}
