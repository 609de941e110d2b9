package io.pgmcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.Tool;
import io.pgmcp.mcp.ToolDefinition;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.observability.Metrics;
import io.pgmcp.observability.Metrics.PolicyCheck;
import io.pgmcp.observability.Metrics.PolicyResult;
import io.pgmcp.observability.Stage;
import io.pgmcp.observability.Telemetry;
import io.pgmcp.query.ErrorCode;
import io.pgmcp.resilience.LimitType;
import java.util.Arrays;
import java.util.Set;

/**
 * Makes every tool call the root span of its trace (continuing a W3C {@code traceparent} from the
 * request's {@code _meta}, failed with the call's error code), and records the request metrics of
 * every tool call in one place: in-flight requests, {@code pg_mcp_requests_total},
 * {@code pg_mcp_request_duration_seconds}, the policy checks the error code reveals and rate limit refusals — all read from the result's body ({@code success},
 * {@code database}, {@code error_code}, {@code details.limit_type}).
 *
 * <p>Labels stay bounded: a database name the body reports that is not configured (or none) becomes
 * "", an error code that is not an {@link ErrorCode} becomes {@code INTERNAL_ERROR}. The database of a
 * call in flight is not known before it runs, so {@code pg_mcp_requests_in_flight} is counted under
 * the configured name the arguments give, else "".
 */
public final class MeteredTool implements Tool {
    private final Tool tool;
    private final String name;
    private final Telemetry telemetry;
    private final Metrics metrics;
    private final Set<String> databases;

    /** @param databases the configured database names: the only values of the {@code database} label besides "" */
    public MeteredTool(Tool tool, Metrics metrics, Set<String> databases) {
        this(tool, Telemetry.metricsOnly(metrics), databases);
    }

    /** As above; the call is also the root span of its trace (continuing the caller's {@code _meta.traceparent}). */
    public MeteredTool(Tool tool, Telemetry telemetry, Set<String> databases) {
        this.tool = tool;
        this.name = tool.definition().name();
        this.telemetry = telemetry;
        this.metrics = telemetry.metrics();
        this.databases = Set.copyOf(databases);
    }

    @Override
    public ToolDefinition definition() {
        return tool.definition();
    }

    @Override
    public ToolResult call(ObjectNode arguments, RequestContext context) throws Exception {
        String requested = known(arguments.get("database"));
        ObjectNode meta = context.meta();
        try (Stage span = telemetry.toolCall(name, text(meta, "traceparent"), text(meta, "tracestate"))) {
            span.attribute("mcp.session.id", context.sessionId());
            long start = System.nanoTime();
            metrics.requestStarted(requested);
            ToolResult result;
            try {
                result = tool.call(arguments, context);
            } catch (Exception | Error e) {
                double seconds = (System.nanoTime() - start) / 1e9;
                metrics.recordRequest(requested, Metrics.ERROR, seconds, ErrorCode.INTERNAL_ERROR.name());
                span.fail(ErrorCode.INTERNAL_ERROR.name());
                throw e;
            } finally {
                metrics.requestFinished(requested);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            record(result.structuredContent(), requested, seconds, span);
            return result;
        }
    }

    private static String text(ObjectNode meta, String key) {
        JsonNode value = meta.get(key);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private void record(ObjectNode body, String requested, double seconds, Stage span) {
        String database = body.has("database") ? known(body.get("database")) : requested;
        if (!database.isEmpty()) {
            span.attribute("db.namespace", database);
        }
        if (body.path("success").asBoolean(false)) {
            metrics.recordRequest(database, Metrics.SUCCESS, seconds, "");
            if (body.has("result")) {
                // a result means the statement went through every check
                for (PolicyCheck check : PolicyCheck.values()) {
                    metrics.recordPolicyCheck(check, PolicyResult.PASSED);
                }
            }
            return;
        }
        ErrorCode code = errorCode(body.path("error_code").asText(""));
        span.fail(code.name());
        metrics.recordRequest(database, Metrics.ERROR, seconds, code.name());
        switch (code) {
            case SCHEMA_ACCESS_DENIED, TABLE_ACCESS_DENIED -> metrics.recordPolicyCheck(PolicyCheck.TABLE, PolicyResult.DENIED);
            case COLUMN_ACCESS_DENIED -> {
                metrics.recordPolicyCheck(PolicyCheck.TABLE, PolicyResult.PASSED);
                metrics.recordPolicyCheck(PolicyCheck.COLUMN, PolicyResult.DENIED);
            }
            case QUERY_TOO_EXPENSIVE, SEQ_SCAN_DENIED -> {
                metrics.recordPolicyCheck(PolicyCheck.TABLE, PolicyResult.PASSED);
                metrics.recordPolicyCheck(PolicyCheck.COLUMN, PolicyResult.PASSED);
                metrics.recordPolicyCheck(PolicyCheck.EXPLAIN, PolicyResult.DENIED);
            }
            case RATE_LIMIT_EXCEEDED -> limitType(body.path("details").path("limit_type").asText(""))
                    .ifPresent(metrics::recordRateLimitExceeded);
            default -> { }
        }
    }

    private String known(JsonNode name) {
        return name != null && name.isTextual() && databases.contains(name.asText()) ? name.asText() : "";
    }

    private static ErrorCode errorCode(String text) {
        return Arrays.stream(ErrorCode.values()).filter(c -> c.name().equals(text)).findFirst().orElse(ErrorCode.INTERNAL_ERROR);
    }

    private static java.util.Optional<LimitType> limitType(String wireName) {
        return Arrays.stream(LimitType.values()).filter(t -> t.wireName().equals(wireName)).findFirst();
    }
}
