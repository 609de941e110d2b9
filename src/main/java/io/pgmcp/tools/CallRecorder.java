package io.pgmcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.audit.AuditEvent;
import io.pgmcp.audit.AuditException;
import io.pgmcp.audit.AuditLog;
import io.pgmcp.audit.CheckOutcome;
import io.pgmcp.audit.EventType;
import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.observability.Metrics;
import io.pgmcp.observability.Metrics.PolicyCheck;
import io.pgmcp.observability.Metrics.PolicyResult;
import io.pgmcp.observability.Stage;
import io.pgmcp.observability.Telemetry;
import io.pgmcp.query.ErrorCode;
import io.pgmcp.resilience.Ticker;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Records every tool call in one place, from one {@link ToolCall}: the call is the root span of its
 * trace (continuing a W3C {@code traceparent} from the request's {@code _meta}, failed with the call's
 * error code); the request metrics (in-flight requests, {@code pg_mcp_requests_total},
 * {@code pg_mcp_request_duration_seconds}, the policy checks its outcome reveals, rate limit refusals);
 * and exactly one audit event, written before the result goes back to the session, so an answered call
 * is always in the audit log. If the event cannot be written the call answers {@code INTERNAL_ERROR}
 * instead of its result: no unaudited answer leaves the server.
 *
 * <p>A call that throws is recorded as {@code INTERNAL_ERROR} and the Throwable is rethrown: the
 * session's tool error mapper alone turns it into the answer.
 *
 * <p>Labels stay bounded: a database that is not configured (or none) is labelled "". The database of
 * a call in flight is not known before it runs, so {@code pg_mcp_requests_in_flight} is counted under the
 * configured name the arguments give, else "". Thread-safe.
 */
public final class CallRecorder {
    private static final System.Logger logger = System.getLogger(CallRecorder.class.getName());
    static final String AUDIT_FAILED = "The audit log could not be written, so the result is withheld.";

    /** A tool's work, run inside the recording. */
    @FunctionalInterface
    public interface Work {
        ToolOutcome run() throws Exception;
    }

    /** The principals entry whose calls this records, when they are counted per entry. */
    private final Optional<String> principal;
    private final Telemetry telemetry;
    private final Metrics metrics;
    private final AuditLog audit;
    private final Set<String> databases;
    private final Ticker ticker;
    private final InstantSource clock;

    /**
     * @param databases the configured database names: the only values of the {@code database} label besides ""
     * @param ticker    measures each call's duration
     * @param clock     stamps each audit event
     */
    public CallRecorder(Telemetry telemetry, AuditLog audit, Set<String> databases, Ticker ticker,
            InstantSource clock) {
        this(telemetry, audit, databases, ticker, clock, Optional.empty());
    }

    /**
     * @param principal the principals entry whose calls this records, for the per-principal series; empty
     *                  when that series is off
     */
    public CallRecorder(Telemetry telemetry, AuditLog audit, Set<String> databases, Ticker ticker,
            InstantSource clock, Optional<String> principal) {
        this.principal = Objects.requireNonNull(principal, "principal");
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
        this.metrics = telemetry.metrics();
        this.audit = Objects.requireNonNull(audit, "audit");
        this.databases = Set.copyOf(databases);
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Runs {@code work} as the call of {@code tool} and records it.
     *
     * @return the outcome's result, or {@code INTERNAL_ERROR} if its audit event could not be written
     * @throws Exception what {@code work} threw (an Error too), after recording it
     */
    public ToolResult record(String tool, ObjectNode arguments, RequestContext context, Work work) throws Exception {
        ToolCall.Request request = ToolCall.request(tool, arguments, context);
        String inFlight = known(request.database());
        ObjectNode meta = context.meta();
        Throwable thrown = null;
        ToolCall call;
        try (Stage span = telemetry.toolCall(tool, text(meta, "traceparent"), text(meta, "tracestate"))) {
            span.attribute("mcp.session.id", request.caller().sessionId());
            long start = ticker.read();
            metrics.requestStarted(inFlight);
            ToolOutcome outcome;
            try {
                outcome = work.run();
            } catch (Exception | Error e) {
                thrown = e;
                outcome = ToolOutcome.failed(ErrorCode.INTERNAL_ERROR, ToolErrors.UNEXPECTED, null);
            } finally {
                metrics.requestFinished(inFlight);
            }
            call = request.ended(outcome, Duration.ofNanos(ticker.read() - start), clock.instant());
            meter(call, span, thrown == null);
        }
        if (!audit(call)) {
            if (thrown != null) {
                logger.log(System.Logger.Level.ERROR, "tool call failed unexpectedly", thrown);
            }
            return ToolOutcome.failed(ErrorCode.INTERNAL_ERROR, AUDIT_FAILED, null).result();
        }
        if (thrown instanceof Error error) {
            throw error;
        }
        if (thrown != null) {
            throw (Exception) thrown;
        }
        return call.outcome().result();
    }

    private void meter(ToolCall call, Stage span, boolean returned) {
        String database = known(call.database());
        if (returned && !database.isEmpty()) {
            span.attribute("db.namespace", database);
        }
        double seconds = call.duration().toNanos() / 1e9;
        switch (call.outcome()) {
            case ToolOutcome.Answered answered -> {
                metrics.recordRequest(database, Metrics.SUCCESS, seconds, "");
                principal.ifPresent(name -> metrics.recordPrincipalRequest(name, Metrics.SUCCESS));
                if (answered.rows().isPresent()) {
                    // rows mean the statement went through every check
                    countChecks(Filing.ANSWERED.checks());
                }
            }
            case ToolOutcome.Failed failed -> {
                span.fail(failed.code().name());
                metrics.recordRequest(database, Metrics.ERROR, seconds, failed.code().name());
                principal.ifPresent(name -> metrics.recordPrincipalRequest(name, Metrics.ERROR));
                Filing filing = Filing.of(failed.code());
                if (filing.denied()) {
                    countChecks(filing.checks());
                }
                failed.limit().ifPresent(metrics::recordRateLimitExceeded);
            }
        }
    }

    /** Counts the checks that ran; a skipped one is not counted. */
    private void countChecks(AuditEvent.PolicyChecks checks) {
        count(PolicyCheck.TABLE, checks.tableAccess());
        count(PolicyCheck.COLUMN, checks.columnAccess());
        count(PolicyCheck.EXPLAIN, checks.explainCheck());
    }

    private void count(PolicyCheck check, CheckOutcome outcome) {
        switch (outcome) {
            case PASSED -> metrics.recordPolicyCheck(check, PolicyResult.PASSED);
            case DENIED -> metrics.recordPolicyCheck(check, PolicyResult.DENIED);
            case SKIPPED -> {}
        }
    }

    /** @return whether the event was written (or the audit log is off) */
    private boolean audit(ToolCall call) {
        if (!audit.isEnabled()) {
            return true;
        }
        try {
            audit.record(event(call));
            return true;
        } catch (AuditException | RuntimeException e) {
            logger.log(System.Logger.Level.ERROR,
                    "audit event could not be written; the call is answered with an error", e);
            return false;
        }
    }

    private static AuditEvent event(ToolCall call) {
        double millis = call.duration().toNanos() / 1e6;
        ToolCall.Caller caller = call.caller();
        Filing filing = switch (call.outcome()) {
            case ToolOutcome.Answered answered -> Filing.ANSWERED;
            case ToolOutcome.Failed failed -> Filing.of(failed.code());
        };
        AuditEvent.Builder event = AuditEvent.builder(filing.type(), UUID.randomUUID().toString(), call.timestamp())
                .sessionId(caller.sessionId())
                .principal(caller.principal().orElse(null))
                .tool(call.tool())
                .client(AuditEvent.ClientInfo.of(caller.address().orElse(null), caller.client().orElse(null),
                        caller.sessionId()))
                .database(call.database().orElse(null))
                .query(call.question().orElse(null), call.sql().orElse(null))
                .policyChecks(filing.checks());
        switch (call.outcome()) {
            case ToolOutcome.Answered answered -> event.result(AuditEvent.ResultInfo.success(
                    answered.rows().map(ToolOutcome.Rows::count).orElse(0L), millis,
                    answered.rows().map(ToolOutcome.Rows::truncated).orElse(false)));
            case ToolOutcome.Failed failed -> event.result(filing.denied()
                    ? AuditEvent.ResultInfo.denied(failed.code().name(), failed.message(), millis)
                    : AuditEvent.ResultInfo.error(failed.code().name(), failed.message(), millis));
        }
        return event.build();
    }

    private String known(Optional<String> name) {
        return name.filter(databases::contains).orElse("");
    }

    private static String text(ObjectNode meta, String key) {
        JsonNode value = meta.get(key);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    /**
     * How an outcome is filed: the audit event type, whether it is a refusal (the guard, the policy or
     * a rate limit said no) and what it reveals of the policy checks. The one table of error codes:
     * the audit event and the {@code pg_mcp_policy_check_total} counts both read it (the counts only
     * for a refusal, or for a call that returned rows).
     */
    private record Filing(EventType type, boolean denied, AuditEvent.PolicyChecks checks) {
        private static final AuditEvent.PolicyChecks ALL_PASSED = new AuditEvent.PolicyChecks(CheckOutcome.PASSED,
                CheckOutcome.PASSED, CheckOutcome.PASSED);
        static final Filing ANSWERED = new Filing(EventType.QUERY_EXECUTED, false, ALL_PASSED);

        static Filing of(ErrorCode code) {
            return switch (code) {
                case SCHEMA_ACCESS_DENIED, TABLE_ACCESS_DENIED -> new Filing(EventType.POLICY_VIOLATION, true,
                        new AuditEvent.PolicyChecks(CheckOutcome.DENIED, CheckOutcome.SKIPPED, CheckOutcome.SKIPPED));
                case COLUMN_ACCESS_DENIED -> new Filing(EventType.POLICY_VIOLATION, true,
                        new AuditEvent.PolicyChecks(CheckOutcome.PASSED, CheckOutcome.DENIED, CheckOutcome.SKIPPED));
                case UNSAFE_SQL -> new Filing(EventType.POLICY_VIOLATION, true, AuditEvent.PolicyChecks.ALL_SKIPPED);
                case QUERY_TOO_EXPENSIVE, SEQ_SCAN_DENIED -> new Filing(EventType.QUERY_DENIED, true,
                        new AuditEvent.PolicyChecks(CheckOutcome.PASSED, CheckOutcome.PASSED, CheckOutcome.DENIED));
                case RATE_LIMIT_EXCEEDED ->
                    new Filing(EventType.RATE_LIMIT_EXCEEDED, true, AuditEvent.PolicyChecks.ALL_SKIPPED);
                // PostgreSQL failed a statement the checks had let through
                case SYNTAX_ERROR, DATA_ERROR, RESOURCE_ERROR, RESULT_TOO_LARGE, EXECUTION_TIMEOUT ->
                    new Filing(EventType.QUERY_EXECUTED, false, ALL_PASSED);
                case VALIDATION_ERROR, UNKNOWN_DATABASE, AMBIGUOUS_QUERY, CONNECTION_ERROR, OPENAI_ERROR,
                        CONFIGURATION_ERROR,
                        INTERNAL_ERROR ->
                    new Filing(EventType.QUERY_EXECUTED, false, AuditEvent.PolicyChecks.ALL_SKIPPED);
            };
        }
    }
}
