package dev.switchboard.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogProvider;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.catalog.ProviderStatus;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.llm.Usage;
import dev.switchboard.providers.ProviderKind;
import dev.switchboard.stats.SampleOutcome;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request log's lines for a request that failed over, through the same fan-out the proxy uses: every fact a
 * line promises, none of the caller's content unless asked for, one line whatever the caller wrote.
 */
class RequestLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "my private prompt 8c1e";
    private static final String HOSTILE = "no/such-model\nFAKE LINE outcome=success \"}";

    private static final CatalogEndpoint FAILING = endpoint(1, "first");
    private static final CatalogEndpoint SERVING = endpoint(2, "second");

    private final List<String> lines = new ArrayList<>();

    @Test
    void aJsonLineHoldsTheRequestsFactsAndNoContent() throws Exception {
        run(RequestLogConfig.Format.JSON, false, "testlab/alpha");
        assertThat(lines).hasSize(1);
        String line = lines.getFirst();
        assertThat(line).doesNotContain("\n").doesNotContain(PROMPT).doesNotContain("Hello there");
        JsonNode json = JSON.readTree(line);
        assertThat(json.path("generation_id").asText()).isEqualTo("gen-test");
        assertThat(json.path("protocol").asText()).isEqualTo("openai");
        assertThat(json.path("stream").asBoolean()).isTrue();
        assertThat(json.path("model").asText()).isEqualTo("testlab/alpha");
        assertThat(json.has("requested_model")).as("a catalog model is named once").isFalse();
        assertThat(json.path("provider").asText()).isEqualTo("second");
        assertThat(json.path("key_id").asText()).isEqualTo("key-1");
        assertThat(json.path("status").asInt()).isEqualTo(200);
        assertThat(json.path("outcome").asText()).isEqualTo("success");
        assertThat(json.path("latency_ms").asLong()).isEqualTo(900);
        assertThat(json.path("gateway_ms").asLong()).isEqualTo(100);
        assertThat(json.path("ttft_ms").asInt()).isEqualTo(120);
        assertThat(json.path("input_tokens").asInt()).isEqualTo(11);
        assertThat(json.path("output_tokens").asInt()).isEqualTo(22);
        assertThat(json.path("cost_usd").decimalValue()).isEqualByComparingTo("0.000123");
        assertThat(json.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(json.path("attempts")).extracting(a -> a.path("provider").asText() + ":"
                + a.path("outcome").asText() + ":" + a.path("status").asInt() + ":" + a.path("latency_ms").asLong())
                .containsExactly("first:server_error:500:300", "second:ok:200:500");
        assertThat(json.has("prompt")).isFalse();
        assertThat(json.has("completion")).isFalse();
    }

    @Test
    void contentIsLoggedOnlyWhenAskedAndOnlyWhatTheCallerGot() throws Exception {
        run(RequestLogConfig.Format.JSON, true, "testlab/alpha");
        JsonNode json = JSON.readTree(lines.getFirst());
        assertThat(json.path("prompt")).extracting(m -> m.path("role").asText() + ": " + m.path("text").asText())
                .containsExactly("system: Be brief.", "user: " + PROMPT);
        assertThat(json.path("completion").asText()).as("the failed attempt's words never reached the caller")
                .isEqualTo("Hello there");
    }

    @Test
    void whatTheCallerWroteStaysInsideItsOwnField() throws Exception {
        run(RequestLogConfig.Format.TEXT, false, null);
        run(RequestLogConfig.Format.JSON, false, null);
        assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l).doesNotContain("\n"));
        String text = lines.getFirst();
        assertThat(text).startsWith("generation=gen-test protocol=openai stream=true ")
                .contains(" provider=second ").contains(" status=200 outcome=success attempts=2 ")
                .contains(" requested_model=\"no/such-model\\nFAKE LINE outcome=success \\\"}\"")
                .doesNotContain(PROMPT);
        assertThat(text.split(" outcome=")).as("the forged pair is inside the quoted value").hasSize(3);
        assertThat(JSON.readTree(lines.get(1)).path("requested_model").asText()).isEqualTo(HOSTILE);
    }

    @Test
    void offFollowsNoRequest() {
        RequestLog log = new RequestLog(config(RequestLogConfig.Format.OFF, true), lines::add);
        assertThat(log.onRequest(started(null))).isSameAs(RequestObservation.NONE);
        assertThat(new ProxyObservers(List.of(log)).open(started(null))).isSameAs(RequestObservation.NONE);
    }

    @Test
    void aRefusedRequestIsOneLineWithItsError() throws Exception {
        ProxyObservers observers = new ProxyObservers(List.of(new RequestLog(config(RequestLogConfig.Format.JSON,
                false), lines::add)));
        RequestStarted refused = new RequestStarted(null, "anthropic", false, null, null, null, 0, 0, null);
        observers.refused(refused, new ProxyError(ProxyErrorType.AUTHENTICATION, "Unknown key", null, null));
        JsonNode json = JSON.readTree(lines.getFirst());
        assertThat(json.path("status").asInt()).isEqualTo(401);
        assertThat(json.path("outcome").asText()).isEqualTo("auth_error");
        assertThat(json.path("error").asText()).isEqualTo("Unknown key");
        assertThat(json.path("attempts")).isEmpty();
    }

    /** A request that fails on "first" (500 after it said "Wrong words") and is served by "second". */
    private void run(RequestLogConfig.Format format, boolean content, String catalogModel) {
        ProxyObservers observers = new ProxyObservers(List.of(new RequestLog(config(format, content), lines::add)));
        RequestStarted request = started(catalogModel);
        RequestObservation o = observers.open(request);
        AttemptStarted first = new AttemptStarted(request, 1, FAILING, "testlab/alpha", false, true, 0);
        o.attemptStarted(first);
        if (o.wantsContent()) {
            o.event(first, new ChatEvent.TextDelta("Wrong words"));
        }
        AttemptFinished failed = new AttemptFinished(first, SampleOutcome.SERVER_ERROR, 500,
                UpstreamError.of(UpstreamErrorKind.SERVER_ERROR, "boom"), null, 300_000_000L, null);
        o.attemptFinished(failed);
        AttemptStarted second = new AttemptStarted(request, 2, SERVING, "testlab/alpha", false, true, 350_000_000L);
        o.failover(failed, second);
        o.attemptStarted(second);
        if (o.wantsContent()) {
            o.event(second, new ChatEvent.TextDelta("Hello "));
            o.event(second, new ChatEvent.TextDelta("there"));
        }
        Usage usage = new Usage(11, 22, 0, 0, 0);
        AttemptFinished served = new AttemptFinished(second, SampleOutcome.OK, 200, null, 120, 850_000_000L, usage);
        o.attemptFinished(served);
        o.requestFinished(new RequestFinished(request, RequestOutcome.SUCCESS, 200, served, 2, usage,
                new BigDecimal("0.000123"), FinishReason.STOP, null, 900_000_000L, 800_000_000L));
    }

    private static RequestStarted started(String catalogModel) {
        ChatRequest chat = ChatRequest.builder(catalogModel == null ? HOSTILE : catalogModel).system("Be brief.")
                .user(PROMPT).build();
        return new RequestStarted("gen-test", "openai", true, catalogModel == null ? HOSTILE : catalogModel,
                catalogModel, "key-1", 0, 1_700_000_000_000L, chat);
    }

    private static RequestLogConfig config(RequestLogConfig.Format format, boolean content) {
        return new RequestLogConfig() {
            @Override
            public Format requests() {
                return format;
            }

            @Override
            public boolean includeContent() {
                return content;
            }
        };
    }

    private static CatalogEndpoint endpoint(long id, String provider) {
        return new CatalogEndpoint(id, "testlab/alpha", new CatalogProvider(provider, provider, ProviderKind.OPENAI,
                "https://" + provider, null, null, null, ProviderStatus.LIVE), "alpha", new Pricing(BigDecimal.ONE,
                BigDecimal.ONE, null, null), 32000, null, null, List.of(), false);
    }
}
