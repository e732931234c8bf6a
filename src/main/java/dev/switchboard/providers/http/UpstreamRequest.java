package dev.switchboard.providers.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP request to a provider. Header values may hold credentials: this record's {@link #toString()} prints
 * header names only.
 */
public record UpstreamRequest(String method, String url, Map<String, String> headers, byte[] body) {

    public UpstreamRequest {
        headers = Map.copyOf(new LinkedHashMap<>(headers));
    }

    public static UpstreamRequest postJson(String url, Map<String, String> headers, byte[] body) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putIfAbsent("content-type", "application/json");
        return new UpstreamRequest("POST", url, all, body);
    }

    @Override
    public String toString() {
        return method + " " + url + " headers=" + headers.keySet() + " body=" + (body == null ? 0 : body.length) + "B";
    }
}
