package dev.switchboard.providers.bedrock;

import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import org.junit.jupiter.api.Test;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;
import software.amazon.eventstream.MessageDecoder;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Our framing against the event-stream library's own MessageDecoder, the reference. */
class EventStreamDecoderTest {

    @Test
    void agreesWithTheLibrarysDecoderWhateverTheChunks() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        Random random = new Random(11);
        for (int i = 0; i < 40; i++) {
            byte[] payload = new byte[random.nextInt(0, i == 20 ? 300_000 : 600)];
            random.nextBytes(payload);
            stream.writeBytes(Fixtures.encode(new Message(Map.of(":event-type", HeaderValue.fromString("e" + i),
                    "n", HeaderValue.fromInteger(i)), payload)));
        }
        byte[] body = stream.toByteArray();
        List<Message> reference = new ArrayList<>();
        new MessageDecoder(reference::add).feed(body);
        assertThat(reference).hasSize(40);

        for (int run = 0; run < 20; run++) {
            EventStreamDecoder decoder = new EventStreamDecoder();
            List<Message> ours = new ArrayList<>();
            int from = 0;
            while (from < body.length) {
                int to = Math.min(body.length, from + random.nextInt(1, run % 2 == 0 ? 64 : 70_000));
                decoder.feed(Arrays.copyOfRange(body, from, to), ours::add);
                from = to;
            }
            assertThat(ours).isEqualTo(reference);
            assertThat(decoder.hasPartialFrame()).isFalse();
        }
    }

    @Test
    void aDamagedMessageChecksumIsRefused() {
        byte[] frame = Fixtures.encode(new Message(Map.of(":event-type", HeaderValue.fromString("x")),
                "{\"a\":1}".getBytes()));
        frame[frame.length - 6] ^= 0x20;
        assertThatThrownBy(() -> new EventStreamDecoder().feed(frame, m -> { }))
                .isInstanceOfSatisfying(UpstreamError.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE);
                    assertThat(e.getMessage()).contains("broken event-stream frame");
                });
    }

    @Test
    void anImpossiblePreludeIsRefusedWithoutWaitingForItsLength() {
        // a prelude whose checksum is right but whose length claims 2 GiB
        byte[] prelude = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0};
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(prelude, 0, 8);
        long value = crc.getValue();
        for (int i = 0; i < 4; i++) {
            prelude[8 + i] = (byte) (value >>> (24 - 8 * i));
        }
        assertThatThrownBy(() -> new EventStreamDecoder().feed(prelude, m -> { }))
                .isInstanceOfSatisfying(UpstreamError.class,
                        e -> assertThat(e.getMessage()).contains("impossible length"));
    }
}
