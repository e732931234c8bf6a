package dev.switchboard.observe;

import io.opentelemetry.api.common.AttributeKey;

import java.util.List;
import java.util.Map;

/**
 * The attribute names of our spans: the OpenTelemetry GenAI semantic conventions where they have one (kept here
 * rather than taken from the incubating semconv artifact, whose names still move between releases), the general
 * ones for servers and HTTP, and {@code switchboard.*} for what only a gateway knows.
 */
final class SpanAttributes {

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
    /** The name {@link #PROVIDER_NAME} had before semconv 1.37; still what many backends group by. */
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<Long> REQUEST_MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<Double> REQUEST_TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    static final AttributeKey<Double> REQUEST_TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<List<String>> RESPONSE_FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

    static final AttributeKey<String> GENERATION_ID = AttributeKey.stringKey("switchboard.generation_id");
    static final AttributeKey<String> PROTOCOL = AttributeKey.stringKey("switchboard.protocol");
    static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey("switchboard.stream");
    static final AttributeKey<String> KEY_ID = AttributeKey.stringKey("switchboard.key_id");
    /** The catalog model: the one requested on the request's span, the one an attempt serves on an attempt's. */
    static final AttributeKey<String> MODEL = AttributeKey.stringKey("switchboard.model");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("switchboard.provider");
    static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("switchboard.endpoint");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("switchboard.attempt");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("switchboard.attempts");
    static final AttributeKey<Boolean> FAILOVER = AttributeKey.booleanKey("switchboard.failover");
    static final AttributeKey<Boolean> FALLBACK_MODEL = AttributeKey.booleanKey("switchboard.fallback_model");
    static final AttributeKey<Boolean> PASS_THROUGH = AttributeKey.booleanKey("switchboard.pass_through");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("switchboard.outcome");
    static final AttributeKey<Long> TTFT_MS = AttributeKey.longKey("switchboard.ttft_ms");
    static final AttributeKey<Double> COST_USD = AttributeKey.doubleKey("switchboard.cost_usd");

    /** The well-known {@code gen_ai.provider.name} values of our providers; others go by their slug. */
    private static final Map<String, String> PROVIDER_NAMES = Map.of(
            "openai", "openai",
            "anthropic", "anthropic",
            "azure", "azure.ai.openai",
            "google-vertex", "gcp.vertex_ai",
            "google-ai-studio", "gcp.gemini",
            "amazon-bedrock", "aws.bedrock",
            "groq", "groq",
            "deepseek", "deepseek",
            "mistral", "mistral_ai");

    private SpanAttributes() {
    }

    static String providerName(String slug) {
        return PROVIDER_NAMES.getOrDefault(slug, slug);
    }
}
