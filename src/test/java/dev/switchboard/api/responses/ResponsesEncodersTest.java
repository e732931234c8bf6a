package dev.switchboard.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.ObjectMappers;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.api.Served;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.Usage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The response object and the typed stream as the official OpenAI SDK reads them: every answer and every event
 * parses into the SDK's model classes and passes their validation (which checks required fields).
 */
class ResponsesEncodersTest {

    private static final ObjectMapper SDK = ObjectMappers.jsonMapper();
    private static final BigDecimal COST = new BigDecimal("0.0000420");
    private static final Served SERVED = new Served("gen-AbCdEf123", "routelab/solo", "route-openai", 1_765_000_000L,
            COST);
    private static final Usage USAGE = new Usage(20, 12, 5, 0, 3);

    private static ResponsesEcho echo(String json) {
        return ResponsesEcho.of(ResponsesIngressTest.parse(json));
    }

    private static final ResponsesEcho PLAIN = echo("{'model':'routelab/solo','input':'Hi','instructions':'Be brief.',"
            + "'tools':[{'type':'function','name':'f','parameters':{'type':'object'}}]}");

    @Test
    void aWholeAnswerIsAValidResponse() throws Exception {
        ChatResponse answer = new ChatResponse("up-1", "solo-oa", List.of(ContentPart.Reasoning.of("Think."),
                ContentPart.Text.of("Hello "), ContentPart.Text.of("there."),
                new ContentPart.ToolCall("call_1", "f", "{\"a\":1}")), FinishReason.TOOL_CALLS, "tool_calls", USAGE);
        byte[] bytes = ResponsesResponseEncoder.encode(answer, SERVED, PLAIN, false);
        Response response = SDK.readValue(bytes, Response.class).validate();

        assertThat(response.id()).isEqualTo("resp_AbCdEf123");
        assertThat(response.model().asString()).isEqualTo("routelab/solo");
        assertThat(response.createdAt()).isEqualTo(1_765_000_000.0);
        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(response.instructions().orElseThrow().asString()).isEqualTo("Be brief.");
        assertThat(response.tools()).singleElement().satisfies(t -> assertThat(t.asFunction().name()).isEqualTo("f"));
        assertThat(response.output()).hasSize(3);
        assertThat(response.output().get(0).asReasoning().summary().getFirst().text()).isEqualTo("Think.");
        var message = response.output().get(1).asMessage();
        assertThat(message.content()).extracting(c -> c.asOutputText().text()).containsExactly("Hello ", "there.");
        var call = response.output().get(2).asFunctionCall();
        assertThat(call.callId()).isEqualTo("call_1");
        assertThat(call.arguments()).isEqualTo("{\"a\":1}");
        var usage = response.usage().orElseThrow();
        assertThat(usage.inputTokens()).isEqualTo(20);
        assertThat(usage.inputTokensDetails().cachedTokens()).isEqualTo(5);
        assertThat(usage.outputTokens()).isEqualTo(12);
        assertThat(usage.outputTokensDetails().reasoningTokens()).isEqualTo(3);
        assertThat(usage.totalTokens()).isEqualTo(32);
        JsonNode raw = new ObjectMapper().readTree(bytes);
        assertThat(raw.path("usage").path("cost").decimalValue()).isEqualByComparingTo(COST);
        assertThat(raw.path("provider").asText()).isEqualTo("route-openai");
        assertThat(raw.path("store").asBoolean(true)).isFalse();
        assertThat(raw.has("error") && raw.get("error").isNull()).isTrue();
    }

    @Test
    void theOutputLimitMakesAnIncompleteResponse() throws Exception {
        ChatResponse answer = new ChatResponse("up-1", "solo-oa", List.of(ContentPart.Text.of("Cut")),
                FinishReason.LENGTH, "length", USAGE);
        Response response = SDK.readValue(ResponsesResponseEncoder.encode(answer, SERVED, PLAIN, false),
                Response.class).validate();
        assertThat(response.status()).contains(ResponseStatus.INCOMPLETE);
        assertThat(response.incompleteDetails().orElseThrow().reason()).hasValueSatisfying(r ->
                assertThat(r.asString()).isEqualTo("max_output_tokens"));
        Response filtered = SDK.readValue(ResponsesResponseEncoder.encode(new ChatResponse("up-1", "solo-oa",
                List.of(), FinishReason.CONTENT_FILTER, "content_filter", USAGE), SERVED, PLAIN, false),
                Response.class).validate();
        assertThat(filtered.incompleteDetails().orElseThrow().reason().orElseThrow().asString())
                .isEqualTo("content_filter");
    }

    /** One SSE event as the wire carried it. */
    record Sse(String name, JsonNode data) {
    }

    static List<Sse> events(byte[] bytes) throws Exception {
        List<Sse> out = new ArrayList<>();
        for (String block : new String(bytes, StandardCharsets.UTF_8).split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String[] lines = block.split("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            out.add(new Sse(lines[0].substring(7), new ObjectMapper().readTree(lines[1].substring(6))));
        }
        return out;
    }

    @Test
    void aStreamIsTypedEventsEndingInTheCompletedResponse() throws Exception {
        ResponsesSseEncoder encoder = new ResponsesSseEncoder(SERVED, PLAIN, false);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (ChatEvent event : List.of(new ChatEvent.Start("up-1", "solo-oa"),
                new ChatEvent.ReasoningDelta("Thi", null, null), new ChatEvent.ReasoningDelta("nk.", null, null),
                new ChatEvent.TextDelta("Hel"), new ChatEvent.TextDelta("lo"),
                new ChatEvent.ToolCallStart(3, "toolu_1", "f"), new ChatEvent.ToolCallDelta(3, "{\"a\""),
                new ChatEvent.ToolCallDelta(3, ":1}"), new ChatEvent.Stop(FinishReason.TOOL_CALLS, "tool_use"),
                new ChatEvent.UsageReport(USAGE))) {
            wire.writeBytes(encoder.onEvent(event));
        }
        wire.writeBytes(encoder.end(USAGE, COST));
        List<Sse> events = events(wire.toByteArray());

        assertThat(events).extracting(Sse::name).containsExactly(
                "response.created", "response.in_progress",
                "response.output_item.added", "response.reasoning_summary_part.added",
                "response.reasoning_summary_text.delta", "response.reasoning_summary_text.delta",
                "response.reasoning_summary_text.done", "response.reasoning_summary_part.done",
                "response.output_item.done",
                "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done", "response.completed");
        for (int i = 0; i < events.size(); i++) {
            Sse e = events.get(i);
            assertThat(e.data().path("type").asText()).isEqualTo(e.name());
            assertThat(e.data().path("sequence_number").asInt()).isEqualTo(i);
            // the SDK turns any event with a top-level "error" into an exception: only the error event may be one
            assertThat(e.data().has("error")).isFalse();
            SDK.treeToValue(e.data(), ResponseStreamEvent.class).validate();
        }
        assertThat(events.get(0).data().path("response").path("status").asText()).isEqualTo("in_progress");
        assertThat(events.get(0).data().path("response").path("provider").asText()).isEqualTo("route-openai");
        assertThat(events.get(13).data().path("text").asText()).isEqualTo("Hello");
        assertThat(events.get(19).data().path("arguments").asText()).isEqualTo("{\"a\":1}");

        Response done = SDK.treeToValue(events.getLast().data(), ResponseStreamEvent.class).asCompleted().response();
        assertThat(done.status()).contains(ResponseStatus.COMPLETED);
        assertThat(done.output()).hasSize(3);
        assertThat(done.output().get(0).asReasoning().summary().getFirst().text()).isEqualTo("Think.");
        assertThat(done.output().get(1).asMessage().content().getFirst().asOutputText().text()).isEqualTo("Hello");
        assertThat(done.output().get(2).asFunctionCall().callId()).isEqualTo("toolu_1");
        assertThat(done.output().get(2).asFunctionCall().arguments()).isEqualTo("{\"a\":1}");
        assertThat(done.usage().orElseThrow().outputTokens()).isEqualTo(12);
        assertThat(events.getLast().data().path("response").path("usage").path("cost").decimalValue())
                .isEqualByComparingTo(COST);
    }

    @Test
    void aStreamCutByTheOutputLimitEndsIncomplete() throws Exception {
        ResponsesSseEncoder encoder = new ResponsesSseEncoder(SERVED, PLAIN, false);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(encoder.onEvent(new ChatEvent.TextDelta("Cut")));
        wire.writeBytes(encoder.onEvent(new ChatEvent.Stop(FinishReason.LENGTH, "length")));
        wire.writeBytes(encoder.end(USAGE, COST));
        Sse last = events(wire.toByteArray()).getLast();
        assertThat(last.name()).isEqualTo("response.incomplete");
        Response response = SDK.treeToValue(last.data(), ResponseStreamEvent.class).asIncomplete().response();
        assertThat(response.incompleteDetails().orElseThrow().reason().orElseThrow().asString())
                .isEqualTo("max_output_tokens");
    }

    @Test
    void aFailureMidStreamEndsWithTheErrorEventAndNoCompletion() throws Exception {
        ResponsesSseEncoder encoder = new ResponsesSseEncoder(SERVED, PLAIN, false);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(encoder.onEvent(new ChatEvent.TextDelta("Half")));
        wire.writeBytes(encoder.error(new ProxyError(ProxyErrorType.UPSTREAM_FAILED, "route-openai failed",
                null, "stream_interrupted")));
        assertThat(encoder.end(USAGE, COST)).isEmpty();
        List<Sse> events = events(wire.toByteArray());
        assertThat(events).extracting(Sse::name).doesNotContain("response.completed", "response.output_item.done");
        Sse last = events.getLast();
        assertThat(last.name()).isEqualTo("error");
        var error = SDK.treeToValue(last.data(), ResponseStreamEvent.class).asError();
        assertThat(error.code()).contains("stream_interrupted");
        assertThat(error.message()).isEqualTo("route-openai failed");
        assertThat(error.sequenceNumber()).isEqualTo(events.size() - 1);
    }

    @Test
    void anEmptyStreamStillOpensAndCompletes() throws Exception {
        ResponsesSseEncoder encoder = new ResponsesSseEncoder(SERVED, PLAIN, true);
        byte[] bytes = encoder.onEvent(new ChatEvent.ReasoningDelta("hidden", null, null));
        assertThat(bytes).isEmpty();
        List<Sse> events = events(encoder.end(Usage.NONE, null));
        assertThat(events).extracting(Sse::name).containsExactly("response.created", "response.in_progress",
                "response.completed");
        assertThat(events.getLast().data().path("response").path("output")).isEmpty();
    }
}
