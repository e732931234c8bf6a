package dev.switchboard.api.responses;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyError;
import dev.switchboard.api.Served;
import dev.switchboard.api.openai.OpenAiErrorEncoder;
import dev.switchboard.api.responses.ResponsesResponseEncoder.Terminal;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.Usage;
import dev.switchboard.proxy.StreamEncoder;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.switchboard.api.responses.ResponsesJson.NODES;

/**
 * Neutral stream events to the Responses API's typed SSE events, one instance per stream: {@code response.created}
 * and {@code response.in_progress} first, then for each output item {@code response.output_item.added}, its deltas
 * ({@code response.output_text.delta}, {@code response.reasoning_summary_text.delta},
 * {@code response.function_call_arguments.delta}) and their {@code .done} events, {@code response.output_item.done},
 * and last {@code response.completed} (or {@code response.incomplete} / {@code response.failed}) with the whole
 * response, usage and cost included. Every event carries its {@code type} and a {@code sequence_number} counting from
 * 0. A text or reasoning item closes when another item begins; tool calls stay open until the model stops, so that
 * arguments of parallel calls may interleave as some providers send them.
 */
final class ResponsesSseEncoder implements StreamEncoder {

    private static final byte[] EMPTY = new byte[0];

    /** One output item being streamed. */
    private static final class Item {
        final String kind;
        final int outputIndex;
        final String id;
        final StringBuilder text = new StringBuilder();
        String callId;
        String name;

        Item(String kind, int outputIndex, String id) {
            this.kind = kind;
            this.outputIndex = outputIndex;
            this.id = id;
        }
    }

    private final Served served;
    private final ResponsesEcho echo;
    private final boolean excludeReasoning;
    private final ArrayNode output = NODES.arrayNode();
    /** Upstream tool-call index to its item; upstream indexes need not start at 0 (Anthropic's block index). */
    private final Map<Integer, Item> toolCalls = new HashMap<>();
    private final List<Item> openToolCalls = new ArrayList<>();
    private ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int sequence;
    private boolean started;
    private boolean ended;
    /** The open message or reasoning item, or null. */
    private Item open;
    private FinishReason finish;
    private Usage usage;

    ResponsesSseEncoder(Served served, ResponsesEcho echo, boolean excludeReasoning) {
        this.served = served;
        this.echo = echo;
        this.excludeReasoning = excludeReasoning;
    }

    @Override
    public byte[] onEvent(ChatEvent event) {
        if (ended) {
            return EMPTY;
        }
        switch (event) {
            case ChatEvent.TextDelta t when !t.text().isEmpty() -> {
                Item item = openText("message");
                item.text.append(t.text());
                ObjectNode delta = event("response.output_text.delta");
                itemRef(delta, item).put("content_index", 0);
                delta.put("delta", t.text());
                delta.putArray("logprobs");
                emit(delta);
            }
            case ChatEvent.ReasoningDelta r when !excludeReasoning && r.text() != null && !r.text().isEmpty() -> {
                Item item = openText("reasoning");
                item.text.append(r.text());
                ObjectNode delta = event("response.reasoning_summary_text.delta");
                itemRef(delta, item).put("summary_index", 0);
                delta.put("delta", r.text());
                emit(delta);
            }
            case ChatEvent.ToolCallStart s when !toolCalls.containsKey(s.index()) -> {
                prelude();
                closeText();
                Item item = new Item("function_call", output.size(),
                        ResponsesJson.itemId("fc", served.generationId(), output.size()));
                item.callId = s.id();
                item.name = s.name();
                toolCalls.put(s.index(), item);
                openToolCalls.add(item);
                added(item, ResponsesResponseEncoder.functionCall(item.id, item.callId, item.name, "",
                        "in_progress"));
            }
            case ChatEvent.ToolCallDelta d when toolCalls.containsKey(d.index()) && !d.argumentsDelta().isEmpty() -> {
                Item item = toolCalls.get(d.index());
                if (openToolCalls.contains(item)) {
                    item.text.append(d.argumentsDelta());
                    ObjectNode delta = event("response.function_call_arguments.delta");
                    itemRef(delta, item).put("delta", d.argumentsDelta());
                    emit(delta);
                }
            }
            case ChatEvent.Stop s -> {
                if (finish == null) {
                    finish = s.reason();
                }
                prelude();
                closeAll();
            }
            case ChatEvent.UsageReport u when u.usage() != null -> usage = u.usage();
            default -> {
                // Start, empty deltas and excluded reasoning show nothing to a Responses client
            }
        }
        return flush();
    }

    /**
     * The end of a good stream: open items closed, then {@code response.completed} (or {@code response.incomplete}
     * when the model hit the output limit or a content filter) with the whole response, usage and cost.
     */
    @Override
    public byte[] end(Usage finalUsage, BigDecimal cost) {
        if (ended) {
            return EMPTY;
        }
        prelude();
        closeAll();
        ended = true;
        FinishReason reason = finish != null ? finish : toolCalls.isEmpty() ? FinishReason.STOP
                : FinishReason.TOOL_CALLS;
        Terminal terminal = Terminal.of(reason);
        ObjectNode event = event(switch (terminal.status()) {
            case "incomplete" -> "response.incomplete";
            case "failed" -> "response.failed";
            default -> "response.completed";
        });
        event.set("response", ResponsesResponseEncoder.response(echo, served, terminal.status(), output,
                ResponsesResponseEncoder.usage(finalUsage != null ? finalUsage : usage, cost), terminal));
        emit(event);
        return flush();
    }

    /**
     * A failure after the stream began: the Responses API's {@code error} event, and nothing after it, so that no
     * client mistakes a failed stream for a finished response.
     */
    @Override
    public byte[] error(ProxyError error) {
        if (ended) {
            return EMPTY;
        }
        ended = true;
        ObjectNode event = event("error");
        event.put("code", OpenAiErrorEncoder.code(error));
        event.put("message", error.message());
        event.put("param", error.param());
        emit(event);
        return flush();
    }

    /** {@code response.created} and {@code response.in_progress}, once, before anything else. */
    private void prelude() {
        if (started) {
            return;
        }
        started = true;
        for (String type : new String[] {"response.created", "response.in_progress"}) {
            ObjectNode event = event(type);
            event.set("response", ResponsesResponseEncoder.response(echo, served, "in_progress", NODES.arrayNode(),
                    null, Terminal.IN_PROGRESS));
            emit(event);
        }
    }

    /** The open message or reasoning item of this kind, opening one (and closing the other) when needed. */
    private Item openText(String kind) {
        prelude();
        if (open != null && open.kind.equals(kind)) {
            return open;
        }
        closeText();
        boolean message = kind.equals("message");
        Item item = new Item(kind, output.size(),
                ResponsesJson.itemId(message ? "msg" : "rs", served.generationId(), output.size()));
        open = item;
        if (message) {
            added(item, ResponsesResponseEncoder.message(item.id, "in_progress"));
            ObjectNode part = event("response.content_part.added");
            itemRef(part, item).put("content_index", 0);
            part.set("part", ResponsesResponseEncoder.outputText(""));
            emit(part);
        } else {
            added(item, ResponsesResponseEncoder.reasoning(item.id, null));
            ObjectNode part = event("response.reasoning_summary_part.added");
            itemRef(part, item).put("summary_index", 0);
            part.set("part", ResponsesResponseEncoder.summaryText(""));
            emit(part);
        }
        return item;
    }

    private void closeText() {
        Item item = open;
        if (item == null) {
            return;
        }
        open = null;
        String text = item.text.toString();
        if (item.kind.equals("message")) {
            ObjectNode done = event("response.output_text.done");
            itemRef(done, item).put("content_index", 0);
            done.put("text", text);
            done.putArray("logprobs");
            emit(done);
            ObjectNode part = event("response.content_part.done");
            itemRef(part, item).put("content_index", 0);
            part.set("part", ResponsesResponseEncoder.outputText(text));
            emit(part);
            ObjectNode message = ResponsesResponseEncoder.message(item.id, "completed");
            ((ArrayNode) message.get("content")).add(ResponsesResponseEncoder.outputText(text));
            done(item, message);
        } else {
            ObjectNode done = event("response.reasoning_summary_text.done");
            itemRef(done, item).put("summary_index", 0);
            done.put("text", text);
            emit(done);
            ObjectNode part = event("response.reasoning_summary_part.done");
            itemRef(part, item).put("summary_index", 0);
            part.set("part", ResponsesResponseEncoder.summaryText(text));
            emit(part);
            done(item, ResponsesResponseEncoder.reasoning(item.id, text));
        }
    }

    private void closeAll() {
        closeText();
        for (Item item : openToolCalls) {
            String arguments = item.text.isEmpty() ? "{}" : item.text.toString();
            ObjectNode done = event("response.function_call_arguments.done");
            itemRef(done, item).put("name", item.name);
            done.put("arguments", arguments);
            emit(done);
            done(item, ResponsesResponseEncoder.functionCall(item.id, item.callId, item.name, arguments,
                    "completed"));
        }
        openToolCalls.clear();
    }

    private void added(Item item, ObjectNode node) {
        output.add(node);
        ObjectNode added = event("response.output_item.added");
        added.put("output_index", item.outputIndex);
        added.set("item", node.deepCopy());
        emit(added);
    }

    private void done(Item item, ObjectNode node) {
        output.set(item.outputIndex, node);
        ObjectNode done = event("response.output_item.done");
        done.put("output_index", item.outputIndex);
        done.set("item", node);
        emit(done);
    }

    private static ObjectNode itemRef(ObjectNode event, Item item) {
        event.put("item_id", item.id);
        event.put("output_index", item.outputIndex);
        return event;
    }

    private ObjectNode event(String type) {
        ObjectNode event = NODES.objectNode();
        event.put("type", type);
        event.put("sequence_number", sequence++);
        return event;
    }

    /** {@code event: <type>} and {@code data: <json>}: the SSE event name repeats the JSON's type, as OpenAI sends. */
    private void emit(ObjectNode event) {
        out.writeBytes(("event: " + event.get("type").textValue() + "\ndata: ").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(ResponsesJson.write(event));
        out.write('\n');
        out.write('\n');
    }

    private byte[] flush() {
        if (out.size() == 0) {
            return EMPTY;
        }
        byte[] bytes = out.toByteArray();
        out = new ByteArrayOutputStream();
        return bytes;
    }
}
