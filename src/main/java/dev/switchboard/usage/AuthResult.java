package dev.switchboard.usage;

/** The answer of {@link GatewayKeys#authenticate}: go ahead, or why not, in words the caller can act on. */
public sealed interface AuthResult {

    /** The call may go on; {@code key} is who called, or null when the proxy is open and no known key was sent. */
    record Allowed(GatewayKey key) implements AuthResult {
    }

    /** The call is refused (401); {@code message} says what to send and never echoes what was sent. */
    record Denied(String message) implements AuthResult {
    }
}
