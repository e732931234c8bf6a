package dev.switchboard.api;

/**
 * An error the proxy answers a caller with, before each dialect encodes it in its own error object. The message is
 * written for the caller to act on and never holds a credential.
 *
 * @param type      decides the HTTP status and the protocol's error type
 * @param message   plain words: what was wrong, what was considered, whether a retry may help
 * @param param     the request field at fault (OpenAI's {@code error.param}), or null
 * @param code      a short machine-readable code (OpenAI's {@code error.code}), or null
 */
public record ProxyError(ProxyErrorType type, String message, String param, String code) {

    public ProxyError {
        message = Snippet.bounded(message);
        param = Snippet.bounded(param);
    }

    public static ProxyError invalid(String message, String param) {
        return new ProxyError(ProxyErrorType.INVALID_REQUEST, message, param, null);
    }

    public int status() {
        return type.status();
    }

    public ProxyException asException() {
        return new ProxyException(this);
    }
}
