package dev.switchboard.providers.openai;

import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.UpstreamError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scanned path gives, chunk for chunk, the events (and errors) of the full path: every stream below goes through
 * a mapper with the scanner and one without, and both must say the same.
 */
class OpenAiChunkScannerTest {

    private static final String HEAD = "\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
            + "\"model\":\"gpt-4.1-2025-04-14\"";

    private static String chunk(String choice) {
        return "{" + HEAD + ",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\",\"choices\":[" + choice
                + "],\"usage\":null,\"obfuscation\":\"xYz\"}";
    }

    private static final List<List<String>> STREAMS = List.of(
            // OpenAI's own: role, text, finish, usage, [DONE]
            List.of(chunk("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                            + "\"logprobs\":null,\"finish_reason\":null}"),
                    chunk("{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"logprobs\":null,\"finish_reason\":null}"),
                    chunk("{\"index\":0,\"delta\":{\"content\":\"lo \\\"\\u00e9\\\"\\n\"},\"logprobs\":null,"
                            + "\"finish_reason\":null}"),
                    chunk("{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}"),
                    "{" + HEAD + ",\"choices\":[],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":2,"
                            + "\"total_tokens\":10}}",
                    "[DONE]"),
            // reasoning hosts (DeepSeek, OpenRouter), a refusal, a length stop, no index
            List.of("{\"id\":\"r1\",\"model\":\"m\",\"choices\":[{\"delta\":{\"reasoning_content\":\"think\","
                            + "\"reasoning\":\"other\"}}]}",
                    "{\"id\":\"r1\",\"model\":\"m\",\"choices\":[{\"delta\":{\"reasoning_content\":\"\","
                            + "\"reasoning\":\"more\"}}]}",
                    "{\"id\":\"r1\",\"model\":\"m\",\"choices\":[{\"delta\":{\"refusal\":\"No.\"}}]}",
                    "{\"id\":\"r1\",\"model\":\"m\",\"choices\":[{\"delta\":null,\"finish_reason\":\"length\"}]}",
                    "{\"id\":\"r1\",\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"after the end\"}}]}",
                    "[DONE]"),
            // keep-alives, other choices, null choices and elements, duplicate keys, unknown nesting
            List.of("{}", "{\"id\":null}", "{\"choices\":null,\"id\":\"k\"}",
                    "{\"id\":\"k\",\"model\":\"m\",\"choices\":[null,{\"index\":1,\"delta\":{\"content\":\"no\"}},"
                            + "{\"index\":0,\"delta\":{\"content\":\"yes\",\"extra\":{\"a\":[1,{\"b\":2}]}}}]}",
                    "{\"id\":\"k\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"delta\":{\"content\":\"b\"}}]}",
                    "{\"id\":\"k\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"delta\":null}]}",
                    "{\"id\":\"k\",\"choices\":[{\"index\":0,\"finish_reason\":\"tool_calls\"}]}"),
            // shapes only the full path reads: tool calls, content parts, Groq, two choices 0
            List.of("{\"id\":\"t\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                            + "\"id\":\"call_1\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\"\"}}]}}]}",
                    "{\"id\":\"t\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                            + "\"function\":{\"arguments\":\":1}\"}}]}}]}",
                    "{\"id\":\"t\",\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"thinking\","
                            + "\"thinking\":\"hm\"},{\"type\":\"text\",\"text\":\"ok\"}]}}]}",
                    "{\"id\":\"t\",\"choices\":[{\"delta\":{\"content\":\"1\"}},{\"delta\":{\"content\":\"2\"}}]}",
                    "{\"id\":\"t\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}],"
                            + "\"x_groq\":{\"id\":\"g\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}}",
                    "[DONE]"),
            // a mid-stream error object
            List.of(chunk("{\"index\":0,\"delta\":{\"content\":\"Hi\"}}"),
                    "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"),
            List.of(chunk("{\"index\":0,\"delta\":{\"content\":\"Hi\"}}"), "{\"object\":\"error\",\"message\":\"x\"}"),
            // two events run together, and broken JSON
            List.of(chunk("{\"index\":0,\"delta\":{\"content\":\"Hi\"}}") + "{\"id\":\"x\"}"),
            List.of("{\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}"),
            // odd types the full path coerces or refuses
            List.of("{\"id\":7,\"model\":\"m\",\"choices\":[]}", "{\"id\":\"a\",\"choices\":[{\"index\":\"0\","
                    + "\"delta\":{\"content\":\"t\"}}]}", "{\"id\":\"a\",\"choices\":[{\"index\":0,"
                    + "\"finish_reason\":1}]}", "{\"id\":\"a\",\"created\":\"soon\",\"choices\":[]}",
                    "{\"id\":\"a\",\"choices\":{\"index\":0}}", "{\"id\":\"a\",\"choices\":[3]}"));

    @Test
    void scannedChunksGiveTheEventsOfTheFullPath() {
        for (List<String> stream : STREAMS) {
            assertThat(run(stream, true)).as(String.join("\n", stream)).isEqualTo(run(stream, false));
        }
        assertThat(run(STREAMS.get(0), true)).containsExactly(
                "[Start[id=chatcmpl-1, model=gpt-4.1-2025-04-14]]", "[TextDelta[text=Hel]]",
                "[TextDelta[text=lo \"\u00e9\"\n]]", "[Stop[reason=STOP, nativeReason=stop]]", "[]",
                "[UsageReport[usage=Usage[inputTokens=8, outputTokens=2, cacheReadTokens=0, cacheWriteTokens=0, "
                        + "reasoningTokens=0]]]", "end []");
    }

    @Test
    void theCommonShapeIsScannedAndTheRestIsNot() {
        OpenAiChunkScanner scanner = new OpenAiChunkScanner();
        assertThat(scanner.scan(chunk("{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"logprobs\":null,"
                + "\"finish_reason\":null}"))).isNotNull();
        assertThat(scanner.scan(STREAMS.get(0).get(4))).as("a usage object").isNull();
        assertThat(scanner.scan(STREAMS.get(3).get(0))).as("tool calls").isNull();
        assertThat(scanner.scan(STREAMS.get(4).get(1))).as("an error").isNull();
        assertThat(scanner.scan(STREAMS.get(6).get(0))).as("two objects").isNull();
    }

    /** Per chunk: the events, or the error's kind and message; the stream stops at its first error. */
    private static List<String> run(List<String> stream, boolean scan) {
        OpenAiStreamMapper mapper = new OpenAiStreamMapper(List.of("sk-secret"), scan);
        List<String> out = new ArrayList<>();
        for (String data : stream) {
            try {
                out.add(mapper.onData(data).toString());
            } catch (UpstreamError e) {
                out.add(e.kind() + ": " + e.getMessage());
                return out;
            }
        }
        try {
            List<ChatEvent> end = mapper.onEnd();
            out.add("end " + end);
        } catch (UpstreamError e) {
            out.add("end " + e.kind() + ": " + e.getMessage());
        }
        return out;
    }
}
