package dev.switchboard.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimProfiles;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.CapturedLogs;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of malformed and hostile requests, drawn from a seed, against every public endpoint over real HTTP:
 * no answer may be a 5xx, hold a stack trace, echo a huge bad value, or come in another protocol's shape, no log
 * line may hold a stack trace, and the heap must not grow with what was sent. {@code -Dswitchboard.fuzz.seed}
 * replays another draw, {@code -Dswitchboard.fuzz.count} sends more (the README names a longer run).
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class BadInputFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.regex.Pattern FRAME = java.util.regex.Pattern.compile(
            "\\bat [a-z]+\\.[a-z]+\\.[\\w.$]+\\(");
    /** The simulator's answer to the calls that turn out valid: quick, so the run's time goes into bad input. */
    private static final SimProfile QUICK = SimProfile.builder().ttftMs(1).ttftSpread(0).tokensPerSecond(10_000)
            .outputTokens(3).outputTokensSpread(0).build();
    private static final List<String> UPSTREAM_IDS = List.of("solo-oa", "spare-an");

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    private CapturedLogs logs;
    private SimProfiles.Snapshot profilesBefore;

    @BeforeEach
    void quickUpstreamAndCapturedLogs() {
        SimProfiles profiles = simulator.server().runtime().profiles();
        profilesBefore = profiles.snapshot();
        UPSTREAM_IDS.forEach(id -> profiles.put(id, QUICK));
        Logger rootLogger = Logger.getLogger("");
        Level level = rootLogger.getLevel();
        logs = CapturedLogs.attach();
        // attach() opens every level; this test wants only what the app logs as configured
        rootLogger.setLevel(level);
    }

    @AfterEach
    void restore() {
        logs.detach();
        SimProfiles profiles = simulator.server().runtime().profiles();
        for (String id : UPSTREAM_IDS) {
            SimProfile before = profilesBefore.models().get(id);
            if (before == null) {
                profiles.remove(id);
            } else {
                profiles.put(id, before);
            }
        }
    }

    /** Cases sent once before the heap is first measured. */
    private static final int WARM_UP = 500;

    @Test
    void hostileInputGetsClearAnswersInTheCallersProtocol() throws IOException {
        long seed = Long.getLong("switchboard.fuzz.seed", 20261207L);
        int count = Integer.getInteger("switchboard.fuzz.count", 2000);
        System.out.printf("Bad-input fuzz: seed %d, %d requests (-Dswitchboard.fuzz.seed=%d to replay)%n", seed,
                count, seed);
        List<String> models = List.of(TestCatalog.SOLO, TestCatalog.SPARE, TestCatalog.TRIO, "nobody/nothing",
                TestCatalog.SOLO + ":route-openai");
        HostileInput input = new HostileInput(seed, SwitchboardTestProfile.MASTER_KEY, models);
        RawHttp http = new RawHttp(root.getPort());

        // What fills once and then stays at its size (Netty's buffer arenas, parser and template caches, lazily built
        // beans) is filled first by the same cases from a second generator; the heap bound is about what the measured
        // run leaves behind on top of that, which would grow with what was sent.
        HostileInput warmUp = new HostileInput(seed, SwitchboardTestProfile.MASTER_KEY, models);
        for (int i = 0; i < Math.min(count, WARM_UP); i++) {
            HostileInput.Case c = warmUp.next(i);
            http.send(c.bytes(), c.kind().startsWith("content-length longer"));
        }
        long heapBefore = usedHeapAfterGc();
        Map<Integer, Integer> statuses = new TreeMap<>();
        Map<String, Integer> kinds = new TreeMap<>();
        Map<String, String> firstOfEach = new TreeMap<>();
        int problemCount = 0;
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            HostileInput.Case c = input.next(i);
            RawHttp.Answer answer = http.send(c.bytes(), c.kind().startsWith("content-length longer"));
            statuses.merge(answer.status(), 1, Integer::sum);
            kinds.merge(c.kind().split(" ")[0], 1, Integer::sum);
            String problem = check(c, answer);
            if (problem != null) {
                problemCount++;
                String what = c.kind().replaceAll("\\d+", "N").split("[=:]")[0] + " -> " + answer.status();
                firstOfEach.putIfAbsent(what, "#" + c.index() + " [" + c.kind() + "] -> " + answer.status() + ": "
                        + problem);
            }
        }
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        long heapAfter = usedHeapAfterGc();
        long fiveXx = statuses.entrySet().stream().filter(e -> e.getKey() >= 500).mapToLong(Map.Entry::getValue)
                .sum();
        List<String> traces = logs.lines().stream().filter(BadInputFuzzTest::looksLikeStackTrace)
                .map(l -> l.length() > 300 ? l.substring(0, 300) + "..." : l).toList();
        System.out.printf("Bad-input fuzz: %d requests in %d ms; statuses %s; 5xx %d; by kind %s%n", count,
                elapsedMs, statuses, fiveXx, kinds);
        System.out.printf("Bad-input fuzz: used heap after GC %d MiB before, %d MiB after (%+d MiB)%n",
                heapBefore >> 20, heapAfter >> 20, (heapAfter - heapBefore) >> 20);
        System.out.printf("Bad-input fuzz: %d log lines with a stack trace, %d bad answers%n", traces.size(),
                problemCount);
        List<String> problems = new ArrayList<>(firstOfEach.values());
        problems.forEach(p -> System.out.println("  " + p));
        traces.stream().limit(10).forEach(t -> System.out.println("  log: " + t));

        assertThat(problems).as("answers that broke the contract").isEmpty();
        assertThat(traces).as("log lines with a stack trace").isEmpty();
        // what was sent is hundreds of megabytes; none of it may stay behind
        assertThat(heapAfter - heapBefore).as("heap growth").isLessThan(96L << 20);
    }

    /** Null when the answer keeps the contract, else what is wrong with it. */
    private static String check(HostileInput.Case c, RawHttp.Answer answer) {
        int status = answer.status();
        String text = answer.text();
        if (status == -1) {
            return "no complete answer within 15 s (" + answer.body().length + " bytes read)";
        }
        // Vert.x answers a request it cannot parse as HTTP/1.1 (broken request line or header line, CR or LF inside a
        // value, a request line over 4 KiB, headers over the decoder's limit, an HTTP version it does not speak: 501)
        // with a bare status and closes, before any application code can see it
        boolean decoderLevel = c.shape() == HostileInput.Shape.PROTOCOL && answer.body().length == 0;
        if (decoderLevel && (status == 501 || status >= 400 && status < 500)) {
            return null;
        }
        if (status >= 500) {
            return "a server error: " + abbreviate(text);
        }
        if (text.contains("\tat ") || text.contains("Exception") && text.contains("at ")
                || FRAME.matcher(text).find()) {
            return "a stack trace in the answer: " + abbreviate(text);
        }
        if (text.contains(String.valueOf(HostileInput.FILLER).repeat(256))) {
            return "the bad value echoed (" + answer.body().length + " bytes)";
        }
        if (status == 0) {
            return c.shape() == HostileInput.Shape.PROTOCOL ? null : "no answer (connection closed)";
        }
        if (status < 400 || "HEAD".equals(c.method())) {
            return null;
        }
        if (answer.body().length == 0) {
            return "an empty error answer";
        }
        String type = String.valueOf(answer.header("content-type")).toLowerCase(Locale.ROOT);
        return switch (c.shape()) {
            case OPENAI -> openAiShape(type, text);
            case ANTHROPIC -> anthropicShape(type, text);
            case API_JSON -> apiShape(type, text);
            case HTML -> type.startsWith("text/html") && text.contains("<html") ? null
                    : "not an HTML page (" + type + "): " + abbreviate(text);
            case ANY_ERROR, PROTOCOL -> openAiShape(type, text) == null || anthropicShape(type, text) == null
                    || apiShape(type, text) == null || type.startsWith("text/html") || type.startsWith("text/plain")
                    ? null : "no error shape (" + type + "): " + abbreviate(text);
        };
    }

    private static JsonNode json(String type, String text) {
        if (!type.startsWith("application/json")) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    private static String openAiShape(String type, String text) {
        JsonNode node = json(type, text);
        return node != null && node.path("error").path("message").isTextual()
                && node.path("error").path("type").isTextual() && !node.has("type") ? null
                : "not an OpenAI error object (" + type + "): " + abbreviate(text);
    }

    private static String anthropicShape(String type, String text) {
        JsonNode node = json(type, text);
        return node != null && "error".equals(node.path("type").asText())
                && node.path("error").path("type").isTextual() && node.path("error").path("message").isTextual()
                ? null : "not an Anthropic error object (" + type + "): " + abbreviate(text);
    }

    private static String apiShape(String type, String text) {
        JsonNode node = json(type, text);
        return node != null && node.path("error").path("message").isTextual() ? null
                : "not a JSON error (" + type + "): " + abbreviate(text);
    }

    private static boolean looksLikeStackTrace(String line) {
        return line.contains("\n\tat ") || line.contains("\tat java.") || line.contains("Caused by:");
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String abbreviate(String s) {
        String one = s.replace("\r", "\\r").replace("\n", "\\n");
        return one.length() <= 200 ? one : one.substring(0, 200) + "...(" + s.length() + " chars)";
    }
}
