package io.pgmcp.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Writes an {@link AuditEvent} as one compact JSON line in the design's field order. Strings are
 * cleaned of NUL and unpaired surrogates (each becomes U+FFFD): valid JSON keeps them, but
 * PostgreSQL's {@code jsonb} rejects an escaped NUL and UTF-8 cannot encode a lone surrogate, and an
 * event one sink cannot store would block the spool behind it. Jackson escapes control characters,
 * so the line never holds a raw line break.
 */
final class EventJson {
    private static final JsonFactory factory = JsonFactory.builder().build();

    private EventJson() {}

    static String write(AuditEvent event) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator json = factory.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("timestamp", DateTimeFormatter.ISO_INSTANT.format(event.timestamp()));
            json.writeStringField("event_type", event.eventType().wireName());
            text(json, "request_id", Optional.of(event.requestId()));
            text(json, "session_id", event.sessionId());
            text(json, "principal", event.principal());
            text(json, "database", event.database());
            text(json, "tool", event.tool());
            AuditEvent.ClientInfo client = event.clientInfo();
            if (!client.isEmpty()) {
                json.writeObjectFieldStart("client_info");
                text(json, "ip", client.ip());
                text(json, "user_agent", client.userAgent());
                text(json, "session_id", client.sessionId());
                json.writeEndObject();
            }
            if (event.query().isPresent()) {
                AuditEvent.QueryInfo query = event.query().get();
                json.writeObjectFieldStart("query");
                text(json, "question", query.question());
                text(json, "sql", query.sql());
                text(json, "sql_hash", query.sqlHash());
                json.writeEndObject();
            }
            if (event.result().isPresent()) {
                AuditEvent.ResultInfo result = event.result().get();
                json.writeObjectFieldStart("result");
                json.writeStringField("status", result.status().wireName());
                if (result.rowsReturned().isPresent()) {
                    json.writeNumberField("rows_returned", result.rowsReturned().getAsLong());
                }
                json.writeNumberField("execution_time_ms", Math.round(result.executionTimeMs() * 1000.0) / 1000.0);
                json.writeBooleanField("truncated", result.truncated());
                text(json, "error_code", result.errorCode());
                text(json, "error_message", result.errorMessage());
                json.writeEndObject();
            }
            if (event.policyChecks().isPresent()) {
                AuditEvent.PolicyChecks checks = event.policyChecks().get();
                json.writeObjectFieldStart("policy_checks");
                json.writeStringField("table_access", checks.tableAccess().wireName());
                json.writeStringField("column_access", checks.columnAccess().wireName());
                json.writeStringField("explain_check", checks.explainCheck().wireName());
                json.writeEndObject();
            }
            json.writeStringField("event_id", event.eventId().toString());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a StringWriter cannot fail", e);
        }
        return out.toString();
    }

    private static void text(JsonGenerator json, String name, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            json.writeStringField(name, clean(value.get()));
        }
    }

    /** {@code text} with NUL and unpaired surrogates replaced by U+FFFD. */
    static String clean(String text) {
        StringBuilder cleaned = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean bad;
            if (Character.isHighSurrogate(c)) {
                bad = i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
            } else if (Character.isLowSurrogate(c)) {
                bad = i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
            } else {
                bad = c == '\0';
            }
            if (bad && cleaned == null) {
                cleaned = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (cleaned != null) {
                cleaned.append(bad ? '\uFFFD' : c);
            }
        }
        return cleaned == null ? text : cleaned.toString();
    }
}
