package io.pgmcp.observability;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** Formats a record for people: {@code 2026-01-01T00:00:00Z INFO  logger - message}. */
final class ConsoleLineFormatter extends Formatter {
    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(120)
                .append(Instant.ofEpochMilli(record.getMillis()))
                .append(' ')
                .append(String.format("%-5s", Logging.levelName(record.getLevel())))
                .append(' ')
                .append(record.getLoggerName())
                .append(" - ")
                .append(formatMessage(record));
        if (record.getThrown() != null) {
            StringWriter stack = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(stack));
            line.append('\n').append(stack.toString().stripTrailing());
        }
        return line.toString();
    }
}
