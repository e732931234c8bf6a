package dev.switchboard.sim;

import io.vertx.core.buffer.Buffer;

/**
 * One unit of a simulated stream: the bytes to write, how many output tokens they carry (their place on the decode
 * timeline; 0 for framing such as {@code message_start}), and the bytes to write instead when this frame is the
 * malformed one.
 */
public record SimFrame(Buffer bytes, int tokens, Buffer malformed) {

    /** A frame that carries no token: sent together with the token frame around it. */
    public static SimFrame framing(Buffer bytes) {
        return new SimFrame(bytes, 0, null);
    }

    public boolean carriesContent() {
        return tokens > 0;
    }
}
