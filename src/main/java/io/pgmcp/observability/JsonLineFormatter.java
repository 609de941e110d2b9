package io.pgmcp.observability;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.logging.LogRecord;

/**
 * Formats a record as one JSON object: {@code ts, level, logger, msg, thread}, inside a span
 * {@code trace_id} and {@code span_id}, and, when the record carries one, {@code error} (type and message) and {@code stack}.
 */
final class JsonLineFormatter extends LineFormatter {
    private final JsonFactory factory = new JsonFactory();

    @Override
    String format(LogRecord record, TraceIds ids) {
        StringWriter out = new StringWriter(160);
        try (JsonGenerator json = factory.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("ts", Instant.ofEpochMilli(record.getMillis()).toString());
            json.writeStringField("level", Logging.levelName(record.getLevel()));
            json.writeStringField("logger", String.valueOf(record.getLoggerName()));
            json.writeStringField("msg", String.valueOf(formatMessage(record)));
            json.writeStringField("thread", Thread.currentThread().getName().isEmpty()
                    ? "virtual-" + Thread.currentThread().threadId()
                    : Thread.currentThread().getName());
            if (ids != null) {
                json.writeStringField("trace_id", ids.traceId());
                json.writeStringField("span_id", ids.spanId());
            }
            Throwable error = record.getThrown();
            if (error != null) {
                json.writeStringField("error", error.getClass().getName() + ": " + error.getMessage());
                StringWriter stack = new StringWriter();
                error.printStackTrace(new PrintWriter(stack));
                json.writeStringField("stack", stack.toString());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
