package io.pgmcp.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Audit events as JSON lines on a stream the process owns ({@code audit.storage: stderr}, or
 * {@code stdout} with the HTTP transport). Each line goes out in one {@code write} and is flushed
 * before {@link #write} returns, under a lock so concurrent calls never interleave. The stream is
 * not closed by {@link #close()}: it belongs to the process.
 */
public final class StreamSink implements AuditSink {
    private final OutputStream stream;
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    /** @param name what the stream is, for messages ({@code stderr}, {@code stdout}) */
    public StreamSink(OutputStream stream, String name) {
        this.stream = Objects.requireNonNull(stream, "stream");
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public void write(AuditEvent event) throws AuditException {
        byte[] line = (event.toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            if (closed) {
                throw new AuditException("The audit stream " + name + " is closed");
            }
            stream.write(line);
            stream.flush();
            if (stream instanceof PrintStream print && print.checkError()) {
                throw new IOException("the PrintStream reports an error (it does not say which)");
            }
        } catch (IOException e) {
            throw new AuditException("Cannot write the audit event to " + name + ": " + e, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws AuditException {
        lock.lock();
        try {
            stream.flush();
        } catch (IOException e) {
            throw new AuditException("Cannot flush " + name + ": " + e, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            stream.flush();
        } catch (IOException e) {
            // every line was flushed when written; a failing flush here has nothing left to lose
        } finally {
            lock.unlock();
        }
    }
}
