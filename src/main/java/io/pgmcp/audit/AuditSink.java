package io.pgmcp.audit;

/**
 * Where audit events go. Implementations are thread-safe: concurrent {@link #write} calls never
 * interleave partial lines, and events from one thread keep their order.
 */
public interface AuditSink extends AutoCloseable {

    /**
     * Records {@code event}. Returns only once its line has been handed to the operating system (a
     * file or stream write, or a committed INSERT, or an append to the database sink's spool), and
     * forced to disk when the sink is configured to fsync: a process killed after this returns
     * loses nothing.
     *
     * @throws AuditException if the event could not be recorded anywhere
     */
    void write(AuditEvent event) throws AuditException;

    /**
     * Pushes what was written as far as the sink can: to disk for a file, through the stream for a
     * stream, into the table (replaying the spool if the database is back) for the database sink.
     *
     * @throws AuditException if that fails; the events already written are not lost by it
     */
    void flush() throws AuditException;

    /** Releases the file, stream or connection. Later writes throw. Never throws. */
    @Override
    void close();
}
