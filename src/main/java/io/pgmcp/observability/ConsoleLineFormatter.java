package io.pgmcp.observability;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.logging.LogRecord;

/**
 * Formats a record for people: {@code 2026-01-01T00:00:00Z INFO  logger - message}, plus
 * {@code trace_id=… span_id=…} inside a span.
 */
final class ConsoleLineFormatter extends LineFormatter {
    @Override
    String format(LogRecord record, TraceIds ids) {
        StringBuilder line = new StringBuilder(120)
                .append(Instant.ofEpochMilli(record.getMillis()))
                .append(' ')
                .append(String.format(Locale.ROOT, "%-5s", Logging.levelName(record.getLevel())))
                .append(' ')
                .append(record.getLoggerName())
                .append(" - ")
                .append(formatMessage(record));
        if (ids != null) {
            line.append(" trace_id=").append(ids.traceId()).append(" span_id=").append(ids.spanId());
        }
        if (record.getThrown() != null) {
            StringWriter stack = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(stack));
            line.append('\n').append(stack.toString().stripTrailing());
        }
        return line.toString();
    }
}
