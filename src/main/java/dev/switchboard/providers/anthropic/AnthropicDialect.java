package dev.switchboard.providers.anthropic;

/**
 * How one host of Claude wants the Messages body: the first-party API names the model in the body and the API
 * version in a header; Vertex AI ({@code rawPredict} / {@code streamRawPredict}) and Bedrock ({@code InvokeModel})
 * name the model in the URL and the version in the body. Everything else about the body, the response and the
 * stream events is the same, so {@link AnthropicCodec} and {@link AnthropicStreamMapper} serve all three.
 *
 * @param modelInBody       whether {@code model} goes in the body
 * @param anthropicVersion  the {@code anthropic_version} body field, or null when the version travels as a header
 * @param streamFlagInBody  whether a streamed call says {@code "stream": true} in the body (Bedrock's streaming
 *                          operation is a different URL and rejects the field)
 */
public record AnthropicDialect(boolean modelInBody, String anthropicVersion, boolean streamFlagInBody) {

    /** api.anthropic.com: {@code anthropic-version: 2023-06-01} is a header, set by the adapter. */
    public static final AnthropicDialect FIRST_PARTY = new AnthropicDialect(true, null, true);

    /** Claude on Vertex AI: model in the path, {@code anthropic_version: vertex-2023-10-16} in the body. */
    public static final AnthropicDialect VERTEX = new AnthropicDialect(false, "vertex-2023-10-16", true);

    /** Claude on Bedrock through InvokeModel[WithResponseStream] (not Converse, which has its own shapes). */
    public static final AnthropicDialect BEDROCK = new AnthropicDialect(false, "bedrock-2023-05-31", false);
}
