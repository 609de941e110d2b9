package io.pgmcp.testing;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What one class's logger publishes while the capture is open, at every level: a handler on its
 * java.util.logging logger (where {@link System.Logger} records end up), with the logger's level set to
 * {@link Level#ALL} so that a root level left by an earlier test filters nothing. Closing removes the
 * handler and restores the level.
 *
 * <p>The logging configuration is global: {@code Main.run} in this JVM resets it
 * ({@code LogManager.reset()} drops every handler and level, ours too), so a test class that opens a
 * capture and one that runs {@code Main.run} each hold {@code @ResourceLock(LogCapture.LOCK)} and never
 * run at the same time.
 */
public final class LogCapture implements AutoCloseable {
    /** The {@code @ResourceLock} key of the process's logging configuration. */
    public static final String LOCK = "java.util.logging configuration";

    private final Logger logger;
    private final Level previousLevel;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private LogCapture(Class<?> source) {
        this.logger = Logger.getLogger(source.getName());
        this.previousLevel = logger.getLevel();
        handler.setLevel(Level.ALL);
        logger.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    /** Starts capturing what {@code source}'s logger publishes. */
    public static LogCapture of(Class<?> source) {
        return new LogCapture(source);
    }

    /** The records published so far, oldest first. */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** The messages, with their parameters filled in, of the records at {@code level} published so far. */
    public List<String> messages(Level level) {
        return records.stream().filter(r -> r.getLevel() == level).map(LogCapture::format).toList();
    }

    /** A record's message with its parameters filled in, as the log line shows it. */
    public static String format(LogRecord record) {
        return record.getParameters() == null
                ? record.getMessage()
                : MessageFormat.format(record.getMessage(), record.getParameters());
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(previousLevel);
    }
}
