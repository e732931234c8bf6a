package dev.switchboard.api;

/** Carries a {@link ProxyError} out of parsing and planning code to the route that answers the caller. */
public class ProxyException extends RuntimeException {

    private final ProxyError error;

    public ProxyException(ProxyError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public static ProxyException invalid(String message, String param) {
        return new ProxyException(ProxyError.invalid(message, param));
    }

    public ProxyError error() {
        return error;
    }
}
