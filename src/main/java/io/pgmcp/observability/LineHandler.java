package io.pgmcp.observability;

import java.io.PrintStream;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/** A JUL handler that writes each formatted record as one flushed line; safe on virtual threads. */
final class LineHandler extends Handler {
    private final PrintStream stream;
    private final ReentrantLock lock = new ReentrantLock();

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
            line = getFormatter().format(record);
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

    @Override
    public void flush() {
        stream.flush();
    }

    @Override
    public void close() {
        flush();
    }
}
