package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.Tool;
import io.pgmcp.mcp.ToolDefinition;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.query.ErrorCode;
import io.pgmcp.resilience.Admission;
import io.pgmcp.resilience.RateLimiter;

/**
 * Puts every call of a tool through the request rate limits before the tool runs: one place
 * for all tools the limits apply to (which those are is {@code RateLimitConfig#limitsRequests}; the
 * composition root wraps only them). The client is the session, or on HTTP the remote address, as {@code client_identifier}
 * says. A refusal is {@code RATE_LIMIT_EXCEEDED} with {@code details {limit_type, limit,
 * remaining, retry_after}}; a call cancelled while it queued is answered with nothing (the session
 * drops the answer of a cancelled request).
 */
public final class RateLimitedTool implements Tool {
    private final Tool tool;
    private final RateLimiter limiter;

    public RateLimitedTool(Tool tool, RateLimiter limiter) {
        this.tool = tool;
        this.limiter = limiter;
    }

    @Override
    public ToolDefinition definition() {
        return tool.definition();
    }

    @Override
    public ToolResult call(ObjectNode arguments, RequestContext context) throws Exception {
        Admission admission = limiter.acquireRequest(limiter.clientKey(context.sessionId(), context.remoteAddress().orElse(null)), context::onCancel);
        return switch (admission) {
            case Admission.Granted granted -> tool.call(arguments, context);
            case Admission.Refused refused -> refusal(refused);
            case Admission.Cancelled cancelled -> ToolErrors.failure(ErrorCode.INTERNAL_ERROR.name(), "The call was cancelled.", null);
        };
    }

    /** The tool result of a refusal, shared with the token limit of the {@code query} tool. */
    static ToolResult refusal(Admission.Refused refused) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        refused.details().forEach((key, value) -> details.putPOJO(key, value));
        return ToolErrors.failure(ErrorCode.RATE_LIMIT_EXCEEDED.name(), refused.message(), details);
    }
}
