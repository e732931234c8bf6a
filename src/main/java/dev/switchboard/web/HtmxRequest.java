package dev.switchboard.web;

import jakarta.ws.rs.core.HttpHeaders;

/** How htmx asked: a partial swap, or a full page (first load, or a history restore after a cache miss). */
public final class HtmxRequest {

    private HtmxRequest() {
    }

    /** True when the response should be the fragment only. */
    public static boolean wantsFragment(HttpHeaders headers) {
        return "true".equals(headers.getHeaderString("HX-Request"))
                && !"true".equals(headers.getHeaderString("HX-History-Restore-Request"));
    }
}
