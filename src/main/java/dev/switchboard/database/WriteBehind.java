package dev.switchboard.database;

/** A write-behind buffer (samples, generations) as readiness sees it; CDI finds every bean that is one. */
public interface WriteBehind {

    BufferState bufferState();
}
