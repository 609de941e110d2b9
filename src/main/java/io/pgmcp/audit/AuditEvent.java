package io.pgmcp.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One audit record: what one tool call asked, what ran, how it ended and which policy checks it
 * passed (design section 3.4). Build one with {@link #builder}; {@link #toJsonLine()} is its wire form.
 *
 * <p><b>No secrets by construction:</b> there is no field for a connection URL, user, password, API
 * key or header; {@code database} is the configured database <em>name</em>. What can hold sensitive
 * data is the question, the SQL (see {@link SqlRedactor} for {@code redact_sql}) and the error
 * message, which the caller composes.
 *
 * <p>{@code eventId} is unique per event; the database sink uses it so that replaying the spool never
 * stores an event twice. {@code sessionId} is repeated in {@link ClientInfo} as in the design.
 */
public record AuditEvent(UUID eventId, Instant timestamp, EventType eventType, String requestId,
        Optional<String> sessionId, Optional<String> principal, Optional<String> database, Optional<String> tool,
        ClientInfo clientInfo, Optional<QueryInfo> query, Optional<ResultInfo> result,
        Optional<PolicyChecks> policyChecks) {

    public AuditEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(clientInfo, "clientInfo");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(policyChecks, "policyChecks");
        if (requestId.isEmpty()) {
            throw new IllegalArgumentException("requestId must not be empty");
        }
    }

    /**
     * A builder for an event of {@code type} in the call with JSON-RPC id {@code requestId}, at {@code timestamp}
     * (the caller reads its clock: the audit log reads none).
     */
    public static Builder builder(EventType type, String requestId, Instant timestamp) {
        return new Builder(type, requestId, timestamp);
    }

    /** Compact JSON on one line, no trailing newline; absent values are left out, never {@code null}. */
    public String toJsonLine() {
        return EventJson.write(this);
    }

    /**
     * This event with its SQL replaced by {@code redactor}'s version; {@code sql_hash} keeps the hash
     * of the SQL as it ran.
     */
    public AuditEvent withSqlRedacted(SqlRedactor redactor) {
        Objects.requireNonNull(redactor, "redactor");
        if (query.isEmpty() || query.get().sql().isEmpty()) {
            return this;
        }
        QueryInfo q = query.get();
        QueryInfo redacted = new QueryInfo(q.question(), Optional.of(redactor.redact(q.sql().get())), q.sqlHash());
        return new AuditEvent(eventId, timestamp, eventType, requestId, sessionId, principal, database, tool,
                clientInfo,
                Optional.of(redacted), result, policyChecks);
    }

    /** Who called: the client's address and user agent (HTTP only) and the MCP session. */
    public record ClientInfo(Optional<String> ip, Optional<String> userAgent, Optional<String> sessionId) {
        /** Nothing known (stdio before a session id exists). */
        public static final ClientInfo NONE = new ClientInfo(Optional.empty(), Optional.empty(), Optional.empty());

        public ClientInfo {
            Objects.requireNonNull(ip, "ip");
            Objects.requireNonNull(userAgent, "userAgent");
            Objects.requireNonNull(sessionId, "sessionId");
        }

        /** From possibly-null values; {@code null} means unknown. */
        public static ClientInfo of(String ip, String userAgent, String sessionId) {
            return new ClientInfo(Optional.ofNullable(ip), Optional.ofNullable(userAgent),
                    Optional.ofNullable(sessionId));
        }

        boolean isEmpty() {
            return ip.isEmpty() && userAgent.isEmpty() && sessionId.isEmpty();
        }
    }

    /**
     * The question (tool {@code query}) and the SQL that ran or was refused. {@code sqlHash} is
     * {@code "sha256:" + 64 hex digits} of the SQL's UTF-8 bytes, present exactly when the SQL is.
     */
    public record QueryInfo(Optional<String> question, Optional<String> sql, Optional<String> sqlHash) {
        private static final Pattern HASH = Pattern.compile("sha256:[0-9a-f]{64}");

        public QueryInfo {
            Objects.requireNonNull(question, "question");
            Objects.requireNonNull(sql, "sql");
            Objects.requireNonNull(sqlHash, "sqlHash");
            if (question.isEmpty() && sql.isEmpty()) {
                throw new IllegalArgumentException("a query needs a question, SQL or both");
            }
            if (sql.isPresent() != sqlHash.isPresent()) {
                throw new IllegalArgumentException("sqlHash must be present exactly when sql is");
            }
            if (sqlHash.isPresent() && !HASH.matcher(sqlHash.get()).matches()) {
                throw new IllegalArgumentException("sqlHash '" + sqlHash.get() + "' is not sha256:<64 hex digits>");
            }
        }

        /** From a possibly-null question and possibly-null SQL (at least one given); hashes the SQL. */
        public static QueryInfo of(String question, String sql) {
            return new QueryInfo(Optional.ofNullable(question), Optional.ofNullable(sql),
                    Optional.ofNullable(sql).map(QueryInfo::hash));
        }

        /** {@code "sha256:" + hex} of {@code sql}'s UTF-8 bytes: the same hash spans and slow-query lines carry. */
        public static String hash(String sql) {
            return io.pgmcp.observability.Stage.sqlHash(sql);
        }
    }

    /** How the call ended. {@code rowsReturned} only when rows came back; the error fields only on failure. */
    public record ResultInfo(ResultStatus status, OptionalLong rowsReturned, double executionTimeMs, boolean truncated,
            Optional<String> errorCode, Optional<String> errorMessage) {

        public ResultInfo {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(rowsReturned, "rowsReturned");
            Objects.requireNonNull(errorCode, "errorCode");
            Objects.requireNonNull(errorMessage, "errorMessage");
            if (rowsReturned.isPresent() && rowsReturned.getAsLong() < 0) {
                throw new IllegalArgumentException("rowsReturned " + rowsReturned.getAsLong() + " is negative");
            }
            if (!Double.isFinite(executionTimeMs) || executionTimeMs < 0) {
                throw new IllegalArgumentException(
                        "executionTimeMs " + executionTimeMs + " is not a finite non-negative number");
            }
        }

        /** Rows came back. */
        public static ResultInfo success(long rowsReturned, double executionTimeMs, boolean truncated) {
            return new ResultInfo(ResultStatus.SUCCESS, OptionalLong.of(rowsReturned), executionTimeMs, truncated,
                    Optional.empty(), Optional.empty());
        }

        /** The call failed; {@code code} is a SQLSTATE or pg-mcp error code, either may be null. */
        public static ResultInfo error(String code, String message, double executionTimeMs) {
            return new ResultInfo(ResultStatus.ERROR, OptionalLong.empty(), executionTimeMs, false,
                    Optional.ofNullable(code), Optional.ofNullable(message));
        }

        /** The guard, access policy or rate limiter refused the call. */
        public static ResultInfo denied(String code, String message, double executionTimeMs) {
            return new ResultInfo(ResultStatus.DENIED, OptionalLong.empty(), executionTimeMs, false,
                    Optional.ofNullable(code), Optional.ofNullable(message));
        }
    }

    /** The access-policy and EXPLAIN checks. */
    public record PolicyChecks(CheckOutcome tableAccess, CheckOutcome columnAccess, CheckOutcome explainCheck) {
        public static final PolicyChecks ALL_SKIPPED = new PolicyChecks(CheckOutcome.SKIPPED, CheckOutcome.SKIPPED,
                CheckOutcome.SKIPPED);

        public PolicyChecks {
            Objects.requireNonNull(tableAccess, "tableAccess");
            Objects.requireNonNull(columnAccess, "columnAccess");
            Objects.requireNonNull(explainCheck, "explainCheck");
        }
    }

    /**
     * Collects an event's parts; setters taking a {@code String} treat {@code null} as absent. The
     * event id defaults to a random UUID at {@link #build()}. Not thread-safe.
     */
    public static final class Builder {
        private final EventType type;
        private final String requestId;
        private final Instant timestamp;
        private UUID eventId;
        private String sessionId;
        private String principal;
        private String database;
        private String tool;
        private ClientInfo clientInfo = ClientInfo.NONE;
        private QueryInfo query;
        private ResultInfo result;
        private PolicyChecks policyChecks;

        private Builder(EventType type, String requestId, Instant timestamp) {
            this.type = Objects.requireNonNull(type, "type");
            this.requestId = Objects.requireNonNull(requestId, "requestId");
            this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
        }

        public Builder eventId(UUID value) {
            this.eventId = Objects.requireNonNull(value, "eventId");
            return this;
        }

        /** The MCP session id; also put in {@code client_info} unless that names one of its own. */
        public Builder sessionId(String value) {
            this.sessionId = value;
            return this;
        }

        /**
         * Who called, as the HTTP transport authenticated it: a bearer token's name or the OAuth principal claim's
         * value; none on stdio and on an HTTP endpoint without authentication.
         */
        public Builder principal(String value) {
            this.principal = value;
            return this;
        }

        /** The configured name of the database the call used. */
        public Builder database(String value) {
            this.database = value;
            return this;
        }

        /** The MCP tool, e.g. {@code query} or {@code execute_sql}. */
        public Builder tool(String value) {
            this.tool = value;
            return this;
        }

        public Builder client(ClientInfo value) {
            this.clientInfo = Objects.requireNonNull(value, "clientInfo");
            return this;
        }

        public Builder query(QueryInfo value) {
            this.query = value;
            return this;
        }

        /** Shorthand for {@code query(QueryInfo.of(question, sql))}; does nothing when both are null. */
        public Builder query(String question, String sql) {
            this.query = question == null && sql == null ? null : QueryInfo.of(question, sql);
            return this;
        }

        public Builder result(ResultInfo value) {
            this.result = value;
            return this;
        }

        public Builder policyChecks(PolicyChecks value) {
            this.policyChecks = value;
            return this;
        }

        /** @throws IllegalArgumentException if a part is invalid (see the records' constructors) */
        public AuditEvent build() {
            ClientInfo client = clientInfo;
            if (client.sessionId().isEmpty() && sessionId != null) {
                client = new ClientInfo(client.ip(), client.userAgent(), Optional.of(sessionId));
            }
            return new AuditEvent(eventId != null ? eventId : UUID.randomUUID(),
                    timestamp, type, requestId, Optional.ofNullable(sessionId),
                    Optional.ofNullable(principal), Optional.ofNullable(database), Optional.ofNullable(tool), client,
                    Optional.ofNullable(query),
                    Optional.ofNullable(result), Optional.ofNullable(policyChecks));
        }
    }
}
