package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.mcp.ToolResult;

/**
 * The product's failure body, {@code {"success":false,"error_code","error_message","details"}}
 * (the codes: {@link io.pgmcp.query.ErrorCode}), and the one mapping from an unexpected Throwable to it.
 */
public final class ToolErrors {
    private static final System.Logger logger = System.getLogger(ToolErrors.class.getName());
    /** The {@code error_message} of a Throwable that escaped a tool. */
    static final String UNEXPECTED = "Internal error in pg-mcp; the server log has the details.";

    private ToolErrors() {
    }

    /** A failure result with the given code and message; {@code details} may be null (then omitted). */
    public static ToolResult failure(String errorCode, String message, ObjectNode details) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("success", false);
        body.put("error_code", errorCode);
        body.put("error_message", message);
        if (details != null && !details.isEmpty()) {
            body.set("details", details);
        }
        return new ToolResult(body, true);
    }

    /**
     * Turns a Throwable that escaped a tool into {@code INTERNAL_ERROR}. The exception itself goes
     * to the log only: its message may hold SQL, paths or other things the client must not see.
     */
    public static ToolResult fromThrowable(Throwable error) {
        if (error instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        logger.log(System.Logger.Level.ERROR, "tool call failed unexpectedly", error);
        return failure("INTERNAL_ERROR", UNEXPECTED, null);
    }
}
