package io.pgmcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.mcp.RequestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One finished tool call, everything {@link CallRecorder} records of it: who called which tool about
 * which database, what it asked, how it ended, how long it took and when it ended.
 *
 * @param requestedDatabase the {@code database} argument as the client wrote it (any string)
 * @param question          the {@code question} argument
 * @param requestedSql      the {@code sql} argument
 * @param duration          from the call's start to its outcome, read from the injected ticker
 * @param timestamp         when the outcome was known, read from the injected clock
 */
public record ToolCall(String tool, Caller caller, Optional<String> requestedDatabase, Optional<String> question,
        Optional<String> requestedSql, ToolOutcome outcome, Duration duration, Instant timestamp) {

    public ToolCall {
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(requestedDatabase, "requestedDatabase");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(requestedSql, "requestedSql");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(timestamp, "timestamp");
    }

    /**
     * Who called: the session, the client (its HTTP {@code User-Agent} when there is one, else the
     * name/version it gave in {@code initialize}), its address and the principal its credentials proved (HTTP
     * only).
     */
    public record Caller(String sessionId, Optional<String> client, Optional<String> address,
            Optional<String> principal) {
        public Caller {
            Objects.requireNonNull(sessionId, "sessionId");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(principal, "principal");
        }

        /** A caller without an authenticated principal. */
        public Caller(String sessionId, Optional<String> client, Optional<String> address) {
            this(sessionId, client, address, Optional.empty());
        }

        static Caller of(RequestContext context) {
            Optional<String> client = context.userAgent()
                    .or(() -> context.clientInfo()
                            .map(c -> c.version() == null ? c.name() : c.name() + "/" + c.version()));
            return new Caller(context.sessionId(), client, context.remoteAddress(), context.principal());
        }
    }

    /** The call's facts from its arguments; the outcome, duration and timestamp come when it ends. */
    static Request request(String tool, ObjectNode arguments, RequestContext context) {
        return new Request(tool, Caller.of(context), text(arguments, "database"), text(arguments, "question"),
                text(arguments, "sql"));
    }

    /** What is known of a call when it starts. */
    record Request(String tool, Caller caller, Optional<String> database, Optional<String> question,
            Optional<String> sql) {
        ToolCall ended(ToolOutcome outcome, Duration duration, Instant timestamp) {
            return new ToolCall(tool, caller, database, question, sql, outcome, duration, timestamp);
        }
    }

    /** The database the call used: the one its answer names, else the one it asked for. */
    public Optional<String> database() {
        return outcome instanceof ToolOutcome.Answered answered && answered.database().isPresent()
                ? answered.database()
                : requestedDatabase;
    }

    /** The SQL of the call: the one its answer shows (generated or rewritten), else the one it was given. */
    public Optional<String> sql() {
        return outcome instanceof ToolOutcome.Answered answered && answered.sql().isPresent()
                ? answered.sql()
                : requestedSql;
    }

    private static Optional<String> text(ObjectNode arguments, String name) {
        JsonNode value = arguments.get(name);
        return value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
    }
}
