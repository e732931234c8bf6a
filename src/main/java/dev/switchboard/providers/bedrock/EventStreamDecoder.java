package dev.switchboard.providers.bedrock;

import software.amazon.eventstream.Message;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * Cuts AWS's binary event stream ({@code application/vnd.amazon.eventstream}) into messages as bytes arrive, split
 * anywhere. Each complete frame is decoded, both checksums verified, by the event-stream library's
 * {@link Message#decode}. The library's own {@code MessageDecoder} would do the buffering too, but it allocates a
 * 2 MB buffer per instance (no smaller size is public in 1.0.1), which is 2 MB per concurrent stream here; frames of
 * a Converse stream are a few hundred bytes, so this buffer starts small and grows only for a large frame.
 *
 * <p>A frame is {@code total length (4) | headers length (4) | prelude CRC (4) | headers | payload | message CRC
 * (4)}, big-endian. The prelude's CRC is checked as soon as its 12 bytes are in, so garbage fails at once instead
 * of being waited on. One decoder per stream; not thread-safe.
 */
final class EventStreamDecoder {

    private static final int PRELUDE = 12;
    private static final int MIN_FRAME = PRELUDE + 4;
    /** The library's own limits: headers up to 128 KiB, payload up to 24 MiB. */
    private static final int MAX_FRAME = MIN_FRAME + 128 * 1024 + 24 * 1024 * 1024;

    private byte[] buffer = new byte[1024];
    private int length;

    /** Feeds bytes; every frame they complete goes to {@code sink}, in order. A broken frame throws. */
    void feed(byte[] bytes, Consumer<Message> sink) {
        append(bytes);
        int offset = 0;
        while (length - offset >= PRELUDE) {
            int total = frameLength(offset);
            if (length - offset < total) {
                break;
            }
            Message message;
            try {
                message = Message.decode(ByteBuffer.wrap(buffer, offset, total).slice());
            } catch (RuntimeException e) {
                throw BedrockErrors.malformed("Bedrock sent a broken event-stream frame ("
                        + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            }
            offset += total;
            sink.accept(message);
        }
        if (offset > 0) {
            System.arraycopy(buffer, offset, buffer, 0, length - offset);
            length -= offset;
        }
    }

    /** Bytes of an incomplete frame are waiting: a stream that ends now was cut inside a frame. */
    boolean hasPartialFrame() {
        return length > 0;
    }

    private int frameLength(int offset) {
        long total = readUint(offset);
        long headers = readUint(offset + 4);
        CRC32 crc = new CRC32();
        crc.update(buffer, offset, 8);
        if (crc.getValue() != readUint(offset + 8)) {
            throw BedrockErrors.malformed("Bedrock sent bytes that are not an event-stream frame (prelude checksum)");
        }
        if (total < MIN_FRAME || total > MAX_FRAME || headers > total - MIN_FRAME) {
            throw BedrockErrors.malformed("Bedrock sent an event-stream frame of an impossible length (" + total
                    + " bytes)");
        }
        return (int) total;
    }

    private long readUint(int at) {
        return ((long) (buffer[at] & 0xff) << 24) | ((buffer[at + 1] & 0xff) << 16) | ((buffer[at + 2] & 0xff) << 8)
                | (buffer[at + 3] & 0xff);
    }

    private void append(byte[] bytes) {
        if (length + bytes.length > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + bytes.length));
        }
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }
}
