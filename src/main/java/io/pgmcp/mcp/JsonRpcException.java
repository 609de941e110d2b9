package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A JSON-RPC error to send as a response: thrown by the session's method handlers and by
 * {@link ResourceProvider#read} to answer with a specific code. It carries no stack trace; it is
 * an answer, not a bug. The message goes on the wire, so it must never hold secrets or internals.
 */
public final class JsonRpcException extends Exception {

    private static final long serialVersionUID = 1L;

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    /** MCP's code for {@code resources/read} of a URI no provider knows. */
    public static final int RESOURCE_NOT_FOUND = -32002;

    private final int code;
    private final transient ObjectNode data;

    /** @param data the error's {@code data} member, or {@code null} to omit it */
    public JsonRpcException(int code, String message, ObjectNode data) {
        super(message, null, false, false);
        if (message == null) {
            throw new IllegalArgumentException("a JSON-RPC error needs a message (code " + code + ")");
        }
        this.code = code;
        this.data = data;
    }

    public JsonRpcException(int code, String message) {
        this(code, message, null);
    }

    /** @return a {@code -32600} error */
    public static JsonRpcException invalidRequest(String message) {
        return new JsonRpcException(INVALID_REQUEST, message);
    }

    /** @return a {@code -32602} error */
    public static JsonRpcException invalidParams(String message) {
        return new JsonRpcException(INVALID_PARAMS, message);
    }

    /** @return the JSON-RPC error code */
    public int code() {
        return code;
    }

    /** @return a copy of the error's {@code data}, or {@code null} if it has none */
    public ObjectNode data() {
        return data == null ? null : data.deepCopy();
    }
}
