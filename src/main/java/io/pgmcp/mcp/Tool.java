package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A callable MCP tool. Implementations must be thread-safe: a session calls them concurrently,
 * each call on its own virtual thread.
 */
public interface Tool {

    /** @return the tool's definition; read once, when the tool is added to a {@link Registry} */
    ToolDefinition definition();

    /**
     * Runs the tool.
     *
     * <p>Expected failures (bad arguments, denied SQL, ...) should be returned as a result with
     * {@code isError} true. Anything thrown is turned into such a result by the session's tool
     * error mapper; it never becomes a JSON-RPC error. A cancelled call sees its thread
     * interrupted and its {@link RequestContext#onCancel} hooks run; whatever it then returns or
     * throws is discarded.
     *
     * @param arguments the call's {@code arguments} (an empty object if the client sent none); owned
     *                  by the call, may be read freely
     * @param context   the request's context: progress, logging, cancellation
     * @return the result; never null
     * @throws Exception on any failure, mapped to an error result
     */
    ToolResult call(ObjectNode arguments, RequestContext context) throws Exception;
}
