package io.pgmcp.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Audit events as JSON lines on a stream the process owns ({@code audit.storage: stderr}, or
 * {@code stdout} with the HTTP transport). Each line goes out in one {@code write} and is flushed
 * before {@link #write} returns, under a lock so concurrent calls never interleave. The stream is
 * not closed by {@link #close()}: it belongs to the process.
 */
public final class StreamSink extends SerialSink {
    private final OutputStream stream;
    private final String name;

    /** @param name what the stream is, for messages ({@code stderr}, {@code stdout}) */
    public StreamSink(OutputStream stream, String name) {
        this.stream = Objects.requireNonNull(stream, "stream");
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    void writeLocked(String line) throws AuditException {
        try {
            stream.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stream.flush();
            if (stream instanceof PrintStream print && print.checkError()) {
                throw new IOException("the PrintStream reports an error (it does not say which)");
            }
        } catch (IOException e) {
            throw new AuditException("Cannot write the audit event to " + name + ": " + e, e);
        }
    }

    @Override
    void flushLocked(boolean closed) throws AuditException {
        try {
            stream.flush();
        } catch (IOException e) {
            throw new AuditException("Cannot flush " + name + ": " + e, e);
        }
    }

    @Override
    void closeLocked() {
        try {
            stream.flush();
        } catch (IOException e) {
            // every line was flushed when written; a failing flush here has nothing left to lose
        }
    }

    @Override
    String closedMessage() {
        return "The audit stream " + name + " is closed";
    }
}
