package io.pgmcp.observability;

import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/** A JUL handler that writes each formatted record as one flushed line; safe on virtual threads. */
final class LineHandler extends Handler {
    private final PrintStream stream;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Supplier<Optional<TraceIds>> traceIds = Optional::empty;

    LineHandler(PrintStream stream, Formatter formatter) {
        this.stream = stream;
        setFormatter(formatter);
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String line;
        try {
            line = getFormatter() instanceof LineFormatter lines
                    ? lines.format(record, traceIds.get().orElse(null))
                    : getFormatter().format(record);
        } catch (RuntimeException e) {
            line = "{\"level\":\"ERROR\",\"logger\":\"io.pgmcp.observability\",\"msg\":\"unformattable log record\"}";
        }
        lock.lock();
        try {
            // one write per line, so another writer on the same stream (the audit sink on stderr) cannot split it
            stream.print(line + "\n");
            stream.flush();
        } finally {
            lock.unlock();
        }
    }

    /** Where the ids of the current span come from; read on the logging thread for every record. */
    void traceIds(Supplier<Optional<TraceIds>> source) {
        this.traceIds = source;
    }

    @Override
    public void flush() {
        stream.flush();
    }

    @Override
    public void close() {
        flush();
    }
}
