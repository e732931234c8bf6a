package dev.switchboard.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * OpenAI's {@code POST /v1/embeddings} (and Azure's and Mistral's, which answer the same shape): unit-length vectors
 * derived from a hash of the model and the input, so the same input always gets the same vector and different inputs
 * get different ones. The length is the model's own ({@link #defaultDimensions}) or {@code dimensions} when given,
 * which shortens the model's full vector and renormalises it, as OpenAI's text-embedding-3 models do. The fault knobs
 * apply as for chat: injected error statuses, a hang, and the answer-level faults (reset, stall, cut body).
 */
final class OpenAiSimEmbeddings {

    private final SimRuntime runtime;
    private final BiFunction<SimPlan, String, SimExchange.Answer> injectedError;

    OpenAiSimEmbeddings(SimRuntime runtime, BiFunction<SimPlan, String, SimExchange.Answer> injectedError) {
        this.runtime = runtime;
        this.injectedError = injectedError;
    }

    /** The vector length a model answers with when no {@code dimensions} is asked. */
    static int defaultDimensions(String model) {
        if (model.contains("3-large")) {
            return 3072;
        }
        if (model.contains("mistral-embed")) {
            return 1024;
        }
        return 1536;
    }

    /** Whether the model can shorten its vectors ({@code dimensions}): text-embedding-3 ones, and test models. */
    static boolean shortens(String model) {
        return !model.contains("ada-002") && !model.contains("mistral-embed");
    }

    /** The model's vector for a text (or a token array's canonical text), unit length, before any shortening. */
    static float[] vector(String model, String input, int dimensions) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest((model + "\u0000" + input)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always there", e);
        }
        long seed = 0;
        for (int i = 0; i < 8; i++) {
            seed = seed << 8 | (digest[i] & 0xFF);
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] full = new float[defaultDimensions(model)];
        for (int i = 0; i < full.length; i++) {
            full[i] = (float) (random.nextDouble() * 2 - 1);
        }
        float[] vector = java.util.Arrays.copyOf(full, Math.min(dimensions, full.length));
        double norm = 0;
        for (float v : vector) {
            norm += v * (double) v;
        }
        double scale = 1 / Math.sqrt(norm);
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) (vector[i] * scale);
        }
        return vector;
    }

    void handle(RoutingContext ctx, String deployment) {
        OpenAiSimProtocol.RequestBody request = OpenAiSimProtocol.requestBody(ctx, deployment, "");
        if (request == null) {
            return;
        }
        JsonNode body = request.json();
        String model = request.model();
        SimExchange exchange = runtime.exchange(ctx, model);
        List<String> inputs = new ArrayList<>();
        int promptTokens = 0;
        JsonNode input = body.get("input");
        ObjectNode invalid = null;
        if (input == null || input.isNull()) {
            invalid = OpenAiSimWire.error("'input' is a required property", "invalid_request_error", null, null);
        } else if (input.isTextual()) {
            inputs.add(input.asText());
        } else if (input.isArray() && !input.isEmpty() && input.get(0).isNumber()) {
            inputs.add(input.toString());
        } else if (input.isArray()) {
            for (JsonNode item : input) {
                inputs.add(item.isTextual() ? item.asText() : item.toString());
            }
        }
        for (int i = 0; invalid == null && i < inputs.size(); i++) {
            JsonNode item = input.isArray() && !input.get(0).isNumber() ? input.get(i) : input;
            if (item.isTextual() ? item.asText().isEmpty() : !item.isArray() || item.isEmpty()) {
                invalid = OpenAiSimWire.error("'$.input' is invalid. Please check the API reference: "
                        + "https://platform.openai.com/docs/api-reference.", "invalid_request_error", null, null);
            } else {
                promptTokens += item.isTextual() ? Math.max(1, SimText.estimateTokens(item.asText().length()))
                        : item.size();
            }
        }
        if (invalid == null && inputs.isEmpty()) {
            invalid = OpenAiSimWire.error("'$.input' is invalid. Please check the API reference: "
                    + "https://platform.openai.com/docs/api-reference.", "invalid_request_error", null, null);
        }
        String format = body.path("encoding_format").asText("float");
        if (invalid == null && !format.equals("float") && !format.equals("base64")) {
            invalid = OpenAiSimWire.error("'" + format + "' is not one of ['float', 'base64'] - 'encoding_format'",
                    "invalid_request_error", null, null);
        }
        int full = defaultDimensions(model);
        int dimensions = full;
        JsonNode asked = body.get("dimensions");
        if (invalid == null && asked != null && !asked.isNull()) {
            if (!shortens(model)) {
                invalid = OpenAiSimWire.error("This model does not support specifying dimensions.",
                        "invalid_request_error", "dimensions", null);
            } else if (!asked.canConvertToInt() || asked.asInt() < 1 || asked.asInt() > full) {
                invalid = OpenAiSimWire.error("Invalid value for 'dimensions' = " + asked + ". Must be between 1 and "
                        + full + ".", "invalid_request_error", "dimensions", null);
            } else {
                dimensions = asked.asInt();
            }
        }
        if (invalid != null) {
            exchange.reject(new SimExchange.Answer(400, Map.of("content-type", "application/json"),
                    SimRuntime.json(invalid)));
            return;
        }
        SimPlan plan = runtime.plan(model);
        if (plan.fault().isErrorStatus()) {
            exchange.fail(plan.fault(), injectedError.apply(plan, model));
            return;
        }
        if (plan.fault() == SimFault.HANG) {
            exchange.hang();
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("openai-model", model);
        byte[] answer = answer(model, inputs, dimensions, format.equals("base64"), promptTokens);
        exchange.respond(plan, 1, new SimExchange.Answer(200, headers, Buffer.buffer(answer)),
                new SimExchange.Answer(500, Map.of("content-type", "application/json"), SimRuntime.json(
                        OpenAiSimWire.error("The server had an error while processing your request. Sorry about "
                                + "that!", "server_error", null, null))));
    }

    /** Written as a stream: a 3072-float vector per input as a tree would be a node per number. */
    static byte[] answer(String model, List<String> inputs, int dimensions, boolean base64, int promptTokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(inputs.size() * dimensions * 12 + 128);
        try (JsonGenerator json = SimRuntime.JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("object", "list");
            json.writeArrayFieldStart("data");
            for (int i = 0; i < inputs.size(); i++) {
                float[] vector = vector(model, inputs.get(i), dimensions);
                json.writeStartObject();
                json.writeStringField("object", "embedding");
                json.writeNumberField("index", i);
                if (base64) {
                    json.writeStringField("embedding", base64(vector));
                } else {
                    json.writeArrayFieldStart("embedding");
                    for (float v : vector) {
                        json.writeNumber(v);
                    }
                    json.writeEndArray();
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeStringField("model", model);
            json.writeObjectFieldStart("usage");
            json.writeNumberField("prompt_tokens", promptTokens);
            json.writeNumberField("total_tokens", promptTokens);
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** OpenAI's encoding, written here on its own so that the gateway's decoder is checked against another writer. */
    static String base64(float[] vector) {
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(vector.length * 4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float v : vector) {
            bytes.putFloat(v);
        }
        return java.util.Base64.getEncoder().encodeToString(bytes.array());
    }

    private static void send(RoutingContext ctx, int status, ObjectNode body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(SimRuntime.json(body));
    }
}
