package io.pgmcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.audit.AuditEvent;
import io.pgmcp.audit.AuditException;
import io.pgmcp.audit.AuditLog;
import io.pgmcp.audit.CheckOutcome;
import io.pgmcp.audit.EventType;
import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.Tool;
import io.pgmcp.mcp.ToolDefinition;
import io.pgmcp.mcp.ToolResult;
import java.util.Set;
import java.util.UUID;

/**
 * Writes exactly one audit event per tool call, whatever the outcome — success, refusal,
 * invalid arguments, rate limit — and writes it before the result goes back to the session, so an
 * answered call is always in the audit log. If the event cannot be written the call answers
 * {@code INTERNAL_ERROR} instead of its result: no unaudited answer leaves the server.
 */
public final class AuditedTool implements Tool {
    private static final System.Logger logger = System.getLogger(AuditedTool.class.getName());
    private static final Set<String> POLICY = Set.of("UNSAFE_SQL", "SCHEMA_ACCESS_DENIED", "TABLE_ACCESS_DENIED", "COLUMN_ACCESS_DENIED");
    private static final Set<String> PLAN = Set.of("QUERY_TOO_EXPENSIVE", "SEQ_SCAN_DENIED");

    private final Tool tool;
    private final AuditLog audit;

    public AuditedTool(Tool tool, AuditLog audit) {
        this.tool = tool;
        this.audit = audit;
    }

    @Override
    public ToolDefinition definition() {
        return tool.definition();
    }

    @Override
    public ToolResult call(ObjectNode arguments, RequestContext context) throws Exception {
        long start = System.nanoTime();
        ToolResult result;
        try {
            result = tool.call(arguments, context);
        } catch (Exception | Error e) {
            result = ToolErrors.fromThrowable(e);
        }
        double millis = (System.nanoTime() - start) / 1e6;
        if (!audit.isEnabled()) {
            return result;
        }
        try {
            audit.record(event(arguments, context, result.structuredContent(), millis));
            return result;
        } catch (AuditException | RuntimeException e) {
            logger.log(System.Logger.Level.ERROR, "audit event could not be written; the call is answered with an error", e);
            return ToolErrors.failure("INTERNAL_ERROR", "The audit log could not be written, so the result is withheld.", null);
        }
    }

    private AuditEvent event(ObjectNode arguments, RequestContext context, ObjectNode body, double millis) {
        boolean success = body.path("success").asBoolean(false);
        String code = body.path("error_code").asText("");
        EventType type = success ? EventType.QUERY_EXECUTED
                : code.equals("RATE_LIMIT_EXCEEDED") ? EventType.RATE_LIMIT_EXCEEDED
                : POLICY.contains(code) ? EventType.POLICY_VIOLATION
                : PLAN.contains(code) ? EventType.QUERY_DENIED
                : EventType.QUERY_EXECUTED;
        // the HTTP User-Agent when there is one, else what the client called itself in initialize
        String userAgent = context.userAgent()
                .or(() -> context.clientInfo().map(c -> c.version() == null ? c.name() : c.name() + "/" + c.version()))
                .orElse(null);
        AuditEvent.Builder event = AuditEvent.builder(type, UUID.randomUUID().toString())
                .sessionId(context.sessionId())
                .tool(definition().name())
                .client(AuditEvent.ClientInfo.of(context.remoteAddress().orElse(null), userAgent, context.sessionId()))
                .database(text(body, "database") != null ? text(body, "database") : text(arguments, "database"));
        String sql = text(body, "sql") != null ? text(body, "sql") : text(arguments, "sql");
        String question = text(arguments, "question");
        if (sql != null || question != null) {
            event.query(question, sql);
        }
        if (success) {
            JsonNode table = body.path("result");
            event.result(AuditEvent.ResultInfo.success(table.path("row_count").asLong(0), millis, table.path("truncated").asBoolean(false)));
            event.policyChecks(new AuditEvent.PolicyChecks(CheckOutcome.PASSED, CheckOutcome.PASSED, CheckOutcome.PASSED));
        } else {
            String message = body.path("error_message").asText("");
            boolean denied = POLICY.contains(code) || PLAN.contains(code) || code.equals("RATE_LIMIT_EXCEEDED");
            event.result(denied ? AuditEvent.ResultInfo.denied(code, message, millis) : AuditEvent.ResultInfo.error(code, message, millis));
            event.policyChecks(checks(code));
        }
        return event.build();
    }

    private static AuditEvent.PolicyChecks checks(String code) {
        return switch (code) {
            case "SCHEMA_ACCESS_DENIED", "TABLE_ACCESS_DENIED" ->
                    new AuditEvent.PolicyChecks(CheckOutcome.DENIED, CheckOutcome.SKIPPED, CheckOutcome.SKIPPED);
            case "COLUMN_ACCESS_DENIED" -> new AuditEvent.PolicyChecks(CheckOutcome.PASSED, CheckOutcome.DENIED, CheckOutcome.SKIPPED);
            case "QUERY_TOO_EXPENSIVE", "SEQ_SCAN_DENIED" ->
                    new AuditEvent.PolicyChecks(CheckOutcome.PASSED, CheckOutcome.PASSED, CheckOutcome.DENIED);
            case "SYNTAX_ERROR", "DATA_ERROR", "RESOURCE_ERROR", "EXECUTION_TIMEOUT" -> new AuditEvent.PolicyChecks(CheckOutcome.PASSED, CheckOutcome.PASSED, CheckOutcome.PASSED);
            default -> AuditEvent.PolicyChecks.ALL_SKIPPED;
        };
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
