package dev.switchboard.providers;

import dev.switchboard.llm.UpstreamError;
import io.smallrye.mutiny.Multi;

import java.util.ArrayList;
import java.util.List;

/**
 * The pass-through events one network read produced, in order; when the read fails part-way (an error event after
 * some text in the same read), the events before the failure still go out first.
 */
public final class PassThroughBatches {

    private PassThroughBatches() {
    }

    public static Multi<PassThrough.Event> run(List<PassThrough.Event> out, Runnable step) {
        try {
            step.run();
        } catch (UpstreamError e) {
            List<PassThrough.Event> before = drain(out);
            return before.isEmpty() ? Multi.createFrom().failure(e) : Multi.createBy().concatenating()
                    .streams(Multi.createFrom().iterable(before), Multi.createFrom().failure(e));
        }
        return Multi.createFrom().iterable(drain(out));
    }

    private static List<PassThrough.Event> drain(List<PassThrough.Event> out) {
        List<PassThrough.Event> events = new ArrayList<>(out);
        out.clear();
        return events;
    }
}
