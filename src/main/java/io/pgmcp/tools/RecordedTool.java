package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.Tool;
import io.pgmcp.mcp.ToolDefinition;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.query.ErrorCode;
import io.pgmcp.resilience.Admission;
import io.pgmcp.resilience.RateLimiter;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link PgMcpTool} as the server offers it: every call recorded by the {@link CallRecorder} (span,
 * metrics, one audit event) and, for the tools the request limits apply to (which those are is
 * {@code RateLimitConfig#limitsRequests}), put through them before the tool runs. The client is the
 * session, or on HTTP the remote address, as {@code client_identifier} says. A refusal is
 * {@code RATE_LIMIT_EXCEEDED} with {@code details {limit_type, limit, remaining, retry_after}}; a call
 * cancelled while it queued is answered with nothing (the session drops the answer of a cancelled request).
 */
public final class RecordedTool implements Tool {
    private final PgMcpTool tool;
    private final CallRecorder recorder;
    private final Optional<RateLimiter> limiter;

    /** A tool no request limit applies to. */
    public RecordedTool(PgMcpTool tool, CallRecorder recorder) {
        this(tool, recorder, Optional.empty());
    }

    /** A tool whose calls first pass {@code limiter}'s request limits, when present. */
    public RecordedTool(PgMcpTool tool, CallRecorder recorder, Optional<RateLimiter> limiter) {
        this.tool = Objects.requireNonNull(tool, "tool");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
    }

    @Override
    public ToolDefinition definition() {
        return tool.definition();
    }

    @Override
    public ToolResult call(ObjectNode arguments, RequestContext context) throws Exception {
        return recorder.record(tool.definition().name(), arguments, context, () -> admitted(arguments, context));
    }

    private ToolOutcome admitted(ObjectNode arguments, RequestContext context) throws Exception {
        if (limiter.isEmpty()) {
            return tool.outcome(arguments, context);
        }
        RateLimiter limits = limiter.get();
        Admission admission = limits.acquireRequest(
                limits.clientKey(context.sessionId(), context.remoteAddress().orElse(null),
                        context.principal().orElse(null)),
                context::onCancel);
        return switch (admission) {
            case Admission.Granted granted -> tool.outcome(arguments, context);
            case Admission.Refused refused -> ToolOutcome.refused(refused);
            case Admission.Cancelled cancelled ->
                ToolOutcome.failed(ErrorCode.INTERNAL_ERROR, "The call was cancelled.", null);
        };
    }
}
