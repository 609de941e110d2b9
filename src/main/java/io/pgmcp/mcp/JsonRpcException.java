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
    /**
     * The legacy (2025) code for {@code resources/read} of a URI no provider knows; modern requests
     * get {@link #INVALID_PARAMS} instead.
     */
    public static final int RESOURCE_NOT_FOUND = -32002;
    /** HTTP headers that disagree with the body, or a required header missing or malformed (2026-07-28). */
    public static final int HEADER_MISMATCH = -32020;
    /** The request needs a client capability its {@code _meta} did not declare (2026-07-28). */
    public static final int MISSING_REQUIRED_CLIENT_CAPABILITY = -32021;
    /** The request names a protocol revision this server does not speak (2026-07-28). */
    public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

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

    /** @return a {@code -32022} whose data lists the revisions we speak, newest first, and the one asked for */
    static JsonRpcException unsupportedVersion(String requested) {
        ObjectNode data = JsonRpc.object();
        ProtocolVersion.wireNamesNewestFirst().forEach(data.putArray("supported")::add);
        data.put("requested", requested);
        return new JsonRpcException(UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version: "
                + JsonRpc.abbreviate(requested) + " (supported: "
                + String.join(", ", ProtocolVersion.wireNamesNewestFirst())
                + ")", data);
    }

    /** @return a {@code -32021} whose {@code data.requiredCapabilities} is {@code missing} */
    static JsonRpcException missingClientCapability(ObjectNode missing) {
        ObjectNode data = JsonRpc.object();
        data.set("requiredCapabilities", missing);
        return new JsonRpcException(MISSING_REQUIRED_CLIENT_CAPABILITY, "Missing required client capability: "
                + String.join(", ", missing.properties().stream().map(java.util.Map.Entry::getKey).toList()), data);
    }

    /** @return a {@code -32020} with {@code message} */
    static JsonRpcException headerMismatch(String message) {
        return new JsonRpcException(HEADER_MISMATCH, message);
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
