package dev.switchboard.observe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.switchboard.api.Snippet;
import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.Usage;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * One request's log line, as JSON or as {@code key=value} text. Pure: built from what the observation collected.
 * Free text (the model string as the caller wrote it, error messages) is bounded and escaped, so a hostile value
 * can neither forge a second line nor fill the log; the prompt and completion appear only when given (the
 * operator turned {@code switchboard.log.include-content} on). No key material ever reaches it: the key is named
 * by its id.
 */
public final class RequestLogLine {

    private static final JsonFactory JSON = new JsonFactory();

    private RequestLogLine() {
    }

    /**
     * @param attempts   every attempt's end, in order
     * @param prompt     the request whose system prompt and messages to include, or null to leave content out
     * @param completion the served attempt's text, or null to leave content out
     */
    public static String json(RequestFinished r, List<AttemptFinished> attempts, ChatRequest prompt,
                              String completion) {
        RequestStarted q = r.request();
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("generation_id", q.generationId());
            g.writeStringField("time", Instant.ofEpochMilli(q.startEpochMillis()).toString());
            g.writeStringField("protocol", q.protocol());
            g.writeBooleanField("stream", q.stream());
            g.writeStringField("model", model(r));
            if (q.model() == null) {
                g.writeStringField("requested_model", bounded(q.requestedModel()));
            }
            g.writeStringField("provider", r.served() == null ? null : r.served().attempt().provider());
            g.writeStringField("key_id", q.keyId());
            g.writeNumberField("status", r.httpStatus());
            g.writeStringField("outcome", r.outcome().id());
            g.writeNumberField("latency_ms", millis(r.totalNanos()));
            g.writeNumberField("gateway_ms", millis(r.gatewayNanos()));
            Integer ttft = r.served() == null ? null : r.served().ttftMs();
            if (ttft != null) {
                g.writeNumberField("ttft_ms", ttft);
            }
            Usage usage = r.usage();
            if (usage != null) {
                g.writeNumberField("input_tokens", usage.inputTokens());
                g.writeNumberField("output_tokens", usage.outputTokens());
            }
            if (r.cost() != null) {
                g.writeNumberField("cost_usd", r.cost());
            }
            if (r.finishReason() != null) {
                g.writeStringField("finish_reason", r.finishReason().name().toLowerCase(Locale.ROOT));
            }
            if (r.error() != null) {
                g.writeStringField("error_type", r.error().type().name().toLowerCase(Locale.ROOT));
                g.writeStringField("error", bounded(r.error().message()));
            }
            g.writeArrayFieldStart("attempts");
            for (AttemptFinished a : attempts) {
                g.writeStartObject();
                g.writeStringField("provider", a.attempt().provider());
                g.writeStringField("model", a.attempt().modelSlug());
                g.writeStringField("outcome", a.outcome().id());
                if (a.httpStatus() != null) {
                    g.writeNumberField("status", a.httpStatus());
                }
                g.writeNumberField("latency_ms", millis(a.latencyNanos()));
                if (a.ttftMs() != null) {
                    g.writeNumberField("ttft_ms", a.ttftMs());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            if (prompt != null) {
                g.writeArrayFieldStart("prompt");
                if (prompt.system() != null && !prompt.system().isEmpty()) {
                    g.writeStartObject();
                    g.writeStringField("role", "system");
                    g.writeStringField("text", text(prompt.system()));
                    g.writeEndObject();
                }
                for (ChatMessage m : prompt.messages()) {
                    g.writeStartObject();
                    g.writeStringField("role", m.role().name().toLowerCase(Locale.ROOT));
                    g.writeStringField("text", text(m.content()));
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            if (completion != null) {
                g.writeStringField("completion", completion);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** The same facts as {@link #json}, as {@code key=value} pairs; values with spaces or quotes are quoted. */
    public static String text(RequestFinished r, List<AttemptFinished> attempts, ChatRequest prompt,
                              String completion) {
        RequestStarted q = r.request();
        StringBuilder line = new StringBuilder(256);
        pair(line, "generation", q.generationId());
        pair(line, "protocol", q.protocol());
        pair(line, "stream", Boolean.toString(q.stream()));
        pair(line, "model", model(r));
        if (q.model() == null) {
            pair(line, "requested_model", bounded(q.requestedModel()));
        }
        pair(line, "provider", r.served() == null ? null : r.served().attempt().provider());
        pair(line, "key", q.keyId());
        pair(line, "status", Integer.toString(r.httpStatus()));
        pair(line, "outcome", r.outcome().id());
        pair(line, "attempts", Integer.toString(attempts.size()));
        pair(line, "latency_ms", Long.toString(millis(r.totalNanos())));
        pair(line, "gateway_ms", Long.toString(millis(r.gatewayNanos())));
        Integer ttft = r.served() == null ? null : r.served().ttftMs();
        if (ttft != null) {
            pair(line, "ttft_ms", ttft.toString());
        }
        if (r.usage() != null) {
            pair(line, "input_tokens", Integer.toString(r.usage().inputTokens()));
            pair(line, "output_tokens", Integer.toString(r.usage().outputTokens()));
        }
        if (r.cost() != null) {
            pair(line, "cost_usd", r.cost().toPlainString());
        }
        if (r.finishReason() != null) {
            pair(line, "finish_reason", r.finishReason().name().toLowerCase(Locale.ROOT));
        }
        if (r.error() != null) {
            pair(line, "error", bounded(r.error().message()));
        }
        if (prompt != null) {
            StringBuilder all = new StringBuilder();
            if (prompt.system() != null && !prompt.system().isEmpty()) {
                all.append("system: ").append(text(prompt.system()));
            }
            for (ChatMessage m : prompt.messages()) {
                all.append(all.isEmpty() ? "" : "\n").append(m.role().name().toLowerCase(Locale.ROOT)).append(": ")
                        .append(text(m.content()));
            }
            pair(line, "prompt", all.toString());
        }
        if (completion != null) {
            pair(line, "completion", completion);
        }
        return line.toString();
    }

    private static String model(RequestFinished r) {
        return r.served() != null ? r.served().attempt().modelSlug() : r.request().model();
    }

    private static void pair(StringBuilder line, String key, String value) {
        if (value == null) {
            return;
        }
        if (!line.isEmpty()) {
            line.append(' ');
        }
        line.append(key).append('=');
        if (value.chars().allMatch(c -> c > ' ' && c != '"' && c != '\\' && c < 0x7f)) {
            line.append(value);
        } else {
            // JSON string escaping: a newline or a quote in the value stays inside this one pair of this one line
            line.append('"').append(JsonStringEncoder.getInstance().quoteAsString(value)).append('"');
        }
    }

    private static String text(List<ContentPart> parts) {
        StringBuilder text = new StringBuilder();
        for (ContentPart part : parts) {
            switch (part) {
                case ContentPart.Text t -> text.append(t.text());
                case ContentPart.ToolResult t -> text.append(t.text());
                case ContentPart.ToolCall t -> text.append("[tool call ").append(t.name()).append(']');
                case ContentPart.Image i -> text.append("[image]");
                case ContentPart.Reasoning r -> {
                    // the caller's copy of earlier reasoning: not part of what they asked
                }
            }
        }
        return text.toString();
    }

    private static String bounded(String text) {
        return text == null ? null : Snippet.bounded(text);
    }

    private static long millis(long nanos) {
        return Math.max(0, nanos / 1_000_000L);
    }
}
