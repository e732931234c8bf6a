package dev.switchboard.providers.http;

/** One server-sent event: its type ({@code event:} line, "message" when absent) and its data lines joined by \n. */
public record SseEvent(String event, String data) {
}
