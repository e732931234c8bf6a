package dev.switchboard.usage;

import dev.switchboard.llm.Usage;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * One proxied request as the caller saw it, as {@code GET /api/v1/generation?id=} returns it.
 *
 * @param keyId         the gateway key's id ({@code master} for the master key), null on an open proxy without one
 * @param servedModel   the model slug of the endpoint that answered, null when none did
 * @param protocol      the caller's protocol: {@code openai} or {@code anthropic}
 * @param status        {@code ok}, {@code error} or {@code cancelled}
 * @param usage         tokens as the serving endpoint reported them, null when none did
 * @param costUsd       what the call cost at list prices ({@link Cost}), null when unknown
 * @param attempts      every upstream attempt, in order
 * @param continued     the stream died mid-answer and another provider continued it into the same stream; usage and
 *                      cost are then the sum over every attempt that streamed to the caller
 */
public record GenerationRecord(String id, Instant createdAt, String keyId, String requestedModel, String servedModel,
                               String providerSlug, Long endpointId, String protocol, boolean streamed, String status,
                               int httpStatus, String finishReason, Usage usage, BigDecimal costUsd, Integer ttftMs,
                               int latencyMs, List<AttemptRecord> attempts, boolean continued) {

    public static final String OK = "ok";
    public static final String ERROR = "error";
    public static final String CANCELLED = "cancelled";

    public GenerationRecord {
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    /** A generation that was not continued. */
    public GenerationRecord(String id, Instant createdAt, String keyId, String requestedModel, String servedModel,
                            String providerSlug, Long endpointId, String protocol, boolean streamed, String status,
                            int httpStatus, String finishReason, Usage usage, BigDecimal costUsd, Integer ttftMs,
                            int latencyMs, List<AttemptRecord> attempts) {
        this(id, createdAt, keyId, requestedModel, servedModel, providerSlug, endpointId, protocol, streamed, status,
                httpStatus, finishReason, usage, costUsd, ttftMs, latencyMs, attempts, false);
    }
}
