package dev.switchboard.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every log record of the JVM while attached, as text (message, parameters and stack trace), for tests that prove
 * something never reaches a log line. Attach in a {@code @BeforeAll}, detach in the {@code @AfterAll}.
 */
public final class CapturedLogs extends Handler {

    private final List<String> lines = new ArrayList<>();

    public static CapturedLogs attach() {
        CapturedLogs logs = new CapturedLogs();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.ALL);
        root.addHandler(logs);
        return logs;
    }

    public void detach() {
        Logger.getLogger("").removeHandler(this);
    }

    /** What was logged so far. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void publish(LogRecord record) {
        StringBuilder line = new StringBuilder(String.valueOf(record.getMessage()));
        if (record.getParameters() != null) {
            for (Object p : record.getParameters()) {
                line.append(' ').append(p);
            }
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(' ').append(trace);
        }
        synchronized (this) {
            lines.add(line.toString());
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
