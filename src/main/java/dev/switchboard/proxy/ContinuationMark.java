package dev.switchboard.proxy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the last event of a continued stream says about it (headers went out long before): the stream was
 * interrupted upstream and finished by another provider continuing the partial answer. Encoders write it as the
 * {@code switchboard} object of the final chunk (OpenAI) or of {@code message_delta} (Anthropic).
 *
 * @param interruptedProvider the provider whose stream died first
 * @param continuedBy         the provider that finished the answer
 * @param continuations       how many continuation attempts streamed into the answer (more than one when a
 *                            continuation itself died after sending text)
 */
public record ContinuationMark(String interruptedProvider, String continuedBy, int continuations) {

    /** The extension object as both dialects carry it. */
    public ObjectNode toJson(JsonNodeFactory nodes) {
        ObjectNode json = nodes.objectNode();
        json.put("continued", true);
        json.put("interrupted_provider", interruptedProvider);
        json.put("continued_by", continuedBy);
        json.put("continuations", continuations);
        return json;
    }
}
