package io.pgmcp.observability;

import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** A formatter of one log line that may carry the ids of the span it was logged in. */
abstract class LineFormatter extends Formatter {

    /** @param ids the current span's ids, or null outside a span (or with trace ids off) */
    abstract String format(LogRecord record, TraceIds ids);

    @Override
    public final String format(LogRecord record) {
        return format(record, null);
    }
}
