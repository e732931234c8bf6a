package dev.switchboard.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.limits.BudgetPeriod;
import dev.switchboard.limits.KeyLimiter;
import dev.switchboard.limits.KeyLimits;
import dev.switchboard.limits.ManualLimitsClock;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import dev.switchboard.usage.ApiKeyService;
import dev.switchboard.usage.CreatedKey;
import dev.switchboard.usage.GenerationLog;
import dev.switchboard.usage.GenerationRecord;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.net.URL;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Per-key limits end to end over real HTTP and the real database: 429 with Retry-After and each protocol's
 * rate-limit headers (streaming too), tokens reserved and settled, the budget's 402, the master key unlimited, limits
 * changed through the admin form, and the OpenAI SDK reading the refusal. Time is the test's clock, frozen, so every
 * wait and reset is exact.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class KeyLimitsProxyTest {

    /** A fixed Wednesday noon, so daily/weekly/monthly periods and their resets are known. */
    private static final Instant NOON = Instant.parse("2026-12-09T12:00:00Z");
    private static final String OPENAI_BODY = "{\"model\":\"" + TestCatalog.SOLO + "\",\"max_tokens\":50,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String ANTHROPIC_BODY = "{\"model\":\"" + TestCatalog.SPARE + "\",\"max_tokens\":50,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    ManualLimitsClock clock;

    @Inject
    ApiKeyService keys;

    @Inject
    KeyLimiter limiter;

    @Inject
    GenerationLog generations;

    @Inject
    DataSource dataSource;

    String base;

    @BeforeEach
    void setUp() {
        base = root.toString().replaceAll("/$", "");
        ProxyTestSupport.profile(simulator, "solo-oa", ProxyTestSupport.QUICK);
        ProxyTestSupport.profile(simulator, "spare-an", ProxyTestSupport.QUICK);
        clock.freezeAt(NOON);
    }

    @AfterEach
    void releaseClock() {
        clock.release();
    }

    @Test
    void overTheRequestLimitOpenAiCallersGet429WithRetryAfterFromTheClockAndOpenAiHeaders() {
        String key = create("rpm-openai", new KeyLimits(2, null, null, null));
        HttpResponse<String> first = openAi(key, OPENAI_BODY);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(header(first, "x-ratelimit-limit-requests")).isEqualTo("2");
        assertThat(header(first, "x-ratelimit-remaining-requests")).isEqualTo("1");
        assertThat(header(first, "x-ratelimit-reset-requests")).isEqualTo("30s");
        assertThat(first.headers().firstValue("x-ratelimit-limit-tokens")).isEmpty(); // no tokens limit: no header
        assertThat(openAi(key, OPENAI_BODY).statusCode()).isEqualTo(200);

        HttpResponse<String> refused = openAi(key, OPENAI_BODY);
        assertThat(refused.statusCode()).isEqualTo(429);
        // 2 per minute, both used at the same instant: the next one is back in 30 s, all of them in a minute
        assertThat(header(refused, "retry-after")).isEqualTo("30");
        assertThat(header(refused, "x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(header(refused, "x-ratelimit-reset-requests")).isEqualTo("1m0s");
        JsonNode error = ProxyTestSupport.json(refused).path("error");
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.path("message").asText()).contains("2 requests per minute").contains("30 s");
        assertThat(refused.body()).doesNotContain(key);

        clock.advance(Duration.ofSeconds(29));
        assertThat(openAi(key, OPENAI_BODY).statusCode()).isEqualTo(429);
        clock.advance(Duration.ofSeconds(1));
        assertThat(openAi(key, OPENAI_BODY).statusCode()).isEqualTo(200);
    }

    @Test
    void anthropicCallersGetAnthropicHeadersWithRfc3339ResetsAndTheirOwnErrorShape() {
        String key = create("rpm-anthropic", new KeyLimits(1, 10_000, null, null));
        HttpResponse<String> first = anthropic(key, ANTHROPIC_BODY);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(header(first, "anthropic-ratelimit-requests-limit")).isEqualTo("1");
        assertThat(header(first, "anthropic-ratelimit-requests-remaining")).isEqualTo("0");
        assertThat(header(first, "anthropic-ratelimit-requests-reset")).isEqualTo("2026-12-09T12:01:00Z");
        assertThat(header(first, "anthropic-ratelimit-tokens-limit")).isEqualTo("10000");
        assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).isEmpty();

        HttpResponse<String> refused = anthropic(key, ANTHROPIC_BODY);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(header(refused, "retry-after")).isEqualTo("60");
        JsonNode body = ProxyTestSupport.json(refused);
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(body.path("error").path("message").asText()).contains("1 requests per minute");
    }

    @Test
    void aStreamCarriesTheHeadersAndARefusedStreamIsAPlainErrorBeforeAnyEvent() {
        String key = create("rpm-stream", new KeyLimits(1, null, null, null));
        String stream = OPENAI_BODY.replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"");
        HttpResponse<String> first = openAi(key, stream);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(header(first, "content-type")).startsWith("text/event-stream");
        assertThat(header(first, "x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(first.body()).contains("data: [DONE]");

        HttpResponse<String> refused = openAi(key, stream);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(header(refused, "content-type")).startsWith("application/json");
        assertThat(header(refused, "retry-after")).isEqualTo("60");
        assertThat(ProxyTestSupport.json(refused).path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");

        String anthropicKey = create("rpm-stream-an", new KeyLimits(1, null, null, null));
        String anthropicStream = ANTHROPIC_BODY.replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"");
        HttpResponse<String> streamed = anthropic(anthropicKey, anthropicStream);
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(header(streamed, "anthropic-ratelimit-requests-remaining")).isEqualTo("0");
        assertThat(streamed.body()).contains("event: message_stop");
        HttpResponse<String> anthropicRefused = anthropic(anthropicKey, anthropicStream);
        assertThat(anthropicRefused.statusCode()).isEqualTo(429);
        assertThat(ProxyTestSupport.json(anthropicRefused).path("error").path("type").asText())
                .isEqualTo("rate_limit_error");
    }

    @Test
    void tokensAreReservedFromTheEstimateAndSettledWithTheRealUsage() {
        KeyLimits limits = new KeyLimits(null, 1000, null, null);
        String key = create("tpm", limits);
        String body = OPENAI_BODY.replace("\"max_tokens\":50", "\"max_tokens\":500");
        long estimate = limiter.estimate(body.length(), 500);
        HttpResponse<String> first = openAi(key, body);
        assertThat(first.statusCode()).isEqualTo(200);
        // the answer's headers count the reservation: what the call may use, before it is known what it used
        assertThat(header(first, "x-ratelimit-remaining-tokens")).isEqualTo(Long.toString(1000 - estimate));
        GenerationRecord served = ProxyTestSupport.generation(generations,
                header(first, "x-switchboard-generation-id"));
        int used = served.usage().inputTokens() + served.usage().outputTokens();
        assertThat(used).isPositive().isLessThan((int) estimate);
        // settled: the tokens reserved and not used are back
        assertThat(tokensRemaining(key, limits)).isEqualTo(1000 - used);

        // without the settling 1000 - estimate would be left, too few for a second call of the same estimate
        assertThat(1000 - estimate).isLessThan(estimate);
        HttpResponse<String> second = openAi(key, body);
        assertThat(second.statusCode()).isEqualTo(200);
        GenerationRecord secondServed = ProxyTestSupport.generation(generations,
                header(second, "x-switchboard-generation-id"));
        long left = 1000 - used - secondServed.usage().inputTokens() - secondServed.usage().outputTokens();
        assertThat(tokensRemaining(key, limits)).isEqualTo(left);

        // an estimate of 999 fits the limit but not what is left
        String big = OPENAI_BODY.replace("\"max_tokens\":50", "\"max_tokens\":900");
        int max = (int) (900 + 999 - limiter.estimate(big.length(), 900));
        String bigger = big.replace("900", Integer.toString(max));
        assertThat(limiter.estimate(bigger.length(), max)).isEqualTo(999);
        HttpResponse<String> third = openAi(key, bigger);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(header(third, "x-ratelimit-remaining-tokens")).isEqualTo(Long.toString(left));
        assertThat(ProxyTestSupport.json(third).path("error").path("message").asText())
                .contains("1000 tokens per minute").contains("needs about 999");
        // 999 - left tokens missing at 1000 per minute
        assertThat(header(third, "retry-after")).isEqualTo(Long.toString(((999 - left) * 60 + 999) / 1000));

        HttpResponse<String> tooLarge = openAi(key, OPENAI_BODY.replace("\"max_tokens\":50", "\"max_tokens\":5000"));
        assertThat(tooLarge.statusCode()).isEqualTo(429);
        assertThat(tooLarge.headers().firstValue("retry-after")).isEmpty();
        assertThat(ProxyTestSupport.json(tooLarge).path("error").path("message").asText())
                .contains("more than this gateway key's limit").contains("will not help");
    }

    @Test
    void aSpentBudgetIs402InEachProtocolSayingTheBudgetThePeriodAndTheReset() throws Exception {
        String key = create("budget-daily", new KeyLimits(null, null, new BigDecimal("0.000001"), BudgetPeriod.DAILY));
        HttpResponse<String> first = openAi(key, OPENAI_BODY);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(ProxyTestSupport.json(first).path("usage").path("cost").decimalValue())
                .isGreaterThan(new BigDecimal("0.000001"));
        HttpResponse<String> refused = openAi(key, OPENAI_BODY);
        assertThat(refused.statusCode()).isEqualTo(402);
        JsonNode error = ProxyTestSupport.json(refused).path("error");
        assertThat(error.path("type").asText()).isEqualTo("insufficient_quota");
        assertThat(error.path("code").asText()).isEqualTo("budget_exceeded");
        assertThat(error.path("message").asText()).contains("$0.000001").contains("per day")
                .contains("resets at 2026-12-10T00:00:00Z");
        // the next day the budget is whole again
        clock.advance(Duration.ofHours(12));
        assertThat(openAi(key, OPENAI_BODY).statusCode()).isEqualTo(200);

        // spend another replica recorded reaches this one through the generation log
        String monthly = create("budget-monthly", new KeyLimits(null, null, new BigDecimal("5"), BudgetPeriod.MONTHLY));
        assertThat(anthropic(monthly, ANTHROPIC_BODY).statusCode()).isEqualTo(200);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into generations (id, created_at, key_id, requested_model, protocol, streamed, status, "
                        + "http_status, cost_usd) values (?, ?, ?, 'x/y', 'openai', false, 'ok', 200, 5.5)")) {
            ps.setString(1, "gen-other-replica-" + idOf(monthly));
            ps.setTimestamp(2, Timestamp.from(clock.now().minusSeconds(60)));
            ps.setString(3, idOf(monthly));
            ps.executeUpdate();
        }
        limiter.refreshSpend();
        HttpResponse<String> billing = anthropic(monthly, ANTHROPIC_BODY);
        assertThat(billing.statusCode()).isEqualTo(402);
        JsonNode body = ProxyTestSupport.json(billing);
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("billing_error");
        assertThat(body.path("error").path("message").asText()).contains("$5.00 per calendar month")
                .contains("resets at 2027-01-01T00:00:00Z");
    }

    @Test
    void theMasterKeyIsUnlimitedAndGetsNoRateLimitHeaders() {
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> answer = ProxyTestSupport.openAi(base, OPENAI_BODY);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().map().keySet()).noneMatch(h -> h.startsWith("x-ratelimit"));
        }
        assertThat(ProxyTestSupport.anthropic(base, ANTHROPIC_BODY).headers().map().keySet())
                .noneMatch(h -> h.startsWith("anthropic-ratelimit"));
    }

    @Test
    void limitsSetThroughTheAdminFormTakeEffectAtOnceAndThePageShowsUsePerKey() {
        // the generation log stamps calls with the real time: count them in the real week
        clock.freeze();
        String key = create("admin-set", new KeyLimits(1, null, null, null));
        String id = idOf(key);
        assertThat(openAi(key, OPENAI_BODY).statusCode()).isEqualTo(200);
        assertThat(openAi(key, OPENAI_BODY).statusCode()).isEqualTo(429);

        String session = given().redirects().follow(false).formParam("master_key", SwitchboardTestProfile.MASTER_KEY)
                .post("/admin/keys/login").getCookie("sb_admin");
        Document page = Jsoup.parse(given().cookie("sb_admin", session).get("/admin/keys").asString());
        String action = "/admin/keys/" + id + "/limits";
        Element form = page.selectFirst("form[action=" + action + "][method=post]");
        assertThat(form).isNotNull();
        assertThat(form.select("label[for=rpm-" + id + "]")).hasSize(1);
        assertThat(form.selectFirst("input[name=rpm]").val()).isEqualTo("1");
        String csrf = form.selectFirst("input[name=csrf]").val();

        // not this session's form, or not a limit: nothing changes
        given().cookie("sb_admin", session).formParam("csrf", "forged").formParam("rpm", "100").post(action)
                .then().statusCode(403);
        given().formParam("csrf", csrf).formParam("rpm", "100").post(action).then().statusCode(401);
        Response bad = given().cookie("sb_admin", session).formParam("csrf", csrf).formParam("rpm", "-3")
                .post(action);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.asString()).contains("The limits were not changed").contains("from 1 to");
        assertThat(openAi(key, OPENAI_BODY).statusCode()).isEqualTo(429);

        Response saved = given().redirects().follow(false).cookie("sb_admin", session).formParam("csrf", csrf)
                .formParam("rpm", "100").formParam("tpm", "").formParam("budget", "2.50")
                .formParam("budget_period", "weekly").post(action);
        assertThat(saved.statusCode()).isEqualTo(303);
        HttpResponse<String> after = openAi(key, OPENAI_BODY);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(header(after, "x-ratelimit-limit-requests")).isEqualTo("100");

        ProxyTestSupport.generation(generations, header(after, "x-switchboard-generation-id"));
        generations.flush();
        Document updated = Jsoup.parse(given().cookie("sb_admin", session).get(saved.header("Location")).asString());
        assertThat(updated.text()).contains("limits of key " + id + " are set");
        String row = updated.selectFirst("tr[data-key-id=" + id + "]").text();
        // two calls served (the refused ones are not generations), their tokens and cost, in the week
        assertThat(row).contains("100 requests/min").contains("$2.50 weekly").contains("2 calls")
                .contains("since " + dev.switchboard.web.Formats.time(BudgetPeriod.WEEKLY.start(clock.now())))
                .contains("left");
        assertThat(updated.selectFirst("tr[data-key-id=" + id + "] select[name=budget_period] option[selected]")
                .val()).isEqualTo("weekly");
    }

    @Test
    void theOpenAiSdkSeesARateLimitExceptionWithTheHeaders() {
        String key = create("sdk", new KeyLimits(1, 5000, null, null));
        OpenAIClient client = ProxyTestSupport.openAiSdk(base, key);
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(TestCatalog.SOLO)
                .maxCompletionTokens(50).addUserMessage("hi").build();
        assertThat(client.chat().completions().create(params).choices()).isNotEmpty();
        assertThatThrownBy(() -> client.chat().completions().create(params))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.headers().values("retry-after")).containsExactly("60");
                    assertThat(e.headers().values("x-ratelimit-limit-requests")).containsExactly("1");
                    assertThat(e.headers().values("x-ratelimit-remaining-requests")).containsExactly("0");
                    assertThat(e.headers().values("x-ratelimit-limit-tokens")).containsExactly("5000");
                    assertThat(e.code()).contains("rate_limit_exceeded");
                });
    }

    private final Map<String, String> ids = new java.util.HashMap<>();

    private String create(String name, KeyLimits limits) {
        CreatedKey created = keys.create(name, limits);
        ids.put(created.key(), created.view().id());
        return created.key();
    }

    private long tokensRemaining(String key, KeyLimits limits) {
        return limiter.state(idOf(key), limits).toCompletionStage().toCompletableFuture().join().tokensRemaining();
    }

    private String idOf(String key) {
        return ids.get(key);
    }

    private HttpResponse<String> openAi(String key, String body) {
        return ProxyTestSupport.post(base, "/v1/chat/completions", body, Map.of("authorization", "Bearer " + key));
    }

    private HttpResponse<String> anthropic(String key, String body) {
        return ProxyTestSupport.post(base, "/v1/messages", body, Map.of("x-api-key", key,
                "anthropic-version", "2023-06-01"));
    }

    private static String header(HttpResponse<String> response, String name) {
        return response.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " header in "
                + response.headers().map()));
    }
}
