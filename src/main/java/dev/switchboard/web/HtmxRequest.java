package dev.switchboard.web;

import jakarta.ws.rs.core.HttpHeaders;

import java.net.URI;

/** How htmx asked: a partial swap, or a full page (first load, or a history restore after a cache miss). */
public final class HtmxRequest {

    private HtmxRequest() {
    }

    /** True when the response should be the fragment only. */
    public static boolean wantsFragment(HttpHeaders headers) {
        return "true".equals(headers.getHeaderString("HX-Request"))
                && !"true".equals(headers.getHeaderString("HX-History-Restore-Request"));
    }

    /**
     * True when the browser already shows this path and query (htmx sends its address as {@code HX-Current-URL}):
     * pushing it again would add a history entry that Back seems to ignore.
     */
    public static boolean alreadyAt(HttpHeaders headers, String pathAndQuery) {
        String current = headers.getHeaderString("HX-Current-URL");
        if (current == null || current.isBlank()) {
            return false;
        }
        try {
            URI uri = URI.create(current.trim());
            String shown = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            return shown.equals(pathAndQuery);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
