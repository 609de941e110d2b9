package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One inbound JSON-RPC message, classified by what the session must do with it. */
sealed interface Inbound {

    /** A request: must be answered (unless cancelled). {@code params} is never null. */
    record Request(RequestId id, JsonNode idNode, String method, ObjectNode params) implements Inbound {}

    /** A notification: never answered. {@code params} is never null. */
    record Notification(String method, ObjectNode params) implements Inbound {}

    /** A message to answer with an error; {@code id} is null when it was absent or not valid. */
    record Invalid(JsonNode id, JsonRpcException error) implements Inbound {}

    /** A message to drop without an answer, such as a response from the client. */
    record Ignored(String why) implements Inbound {}

    /** @return what {@code message} is, checked against JSON-RPC 2.0 and MCP's rules on ids */
    static Inbound classify(JsonNode message) {
        if (!message.isObject()) {
            return new Invalid(null,
                    JsonRpcException.invalidRequest("Invalid Request: a message must be a JSON object"));
        }
        JsonNode idNode = message.get("id");
        boolean hasId = message.has("id");
        JsonNode id = RequestId.isValid(idNode) ? idNode : null;
        JsonNode method = message.get("method");
        if (method == null && (message.has("result") || message.has("error"))) {
            return new Ignored("a response from the client; this server sends no requests");
        }
        JsonNode version = message.get("jsonrpc");
        if (version == null || !version.isTextual() || !"2.0".equals(version.textValue())) {
            return new Invalid(id, JsonRpcException.invalidRequest("Invalid Request: jsonrpc must be \"2.0\""));
        }
        if (method == null || !method.isTextual()) {
            return new Invalid(id, JsonRpcException.invalidRequest("Invalid Request: method must be a string"));
        }
        if (hasId && id == null) {
            return new Invalid(null,
                    JsonRpcException.invalidRequest("Invalid Request: id must be a string or an integer"));
        }
        JsonNode params = message.get("params");
        boolean paramsValid = params == null || params.isObject();
        if (!hasId) {
            return paramsValid
                    ? new Notification(method.textValue(), params == null ? JsonRpc.object() : (ObjectNode) params)
                    : new Ignored("notification " + JsonRpc.abbreviate(method.textValue())
                            + " with params that are not an object");
        }
        if (!paramsValid) {
            return new Invalid(id, JsonRpcException.invalidParams("Invalid params: params must be an object"));
        }
        if (params != null && params.has("_meta") && !params.get("_meta").isObject()) {
            return new Invalid(id, JsonRpcException.invalidParams("Invalid params: _meta must be an object"));
        }
        return new Request(RequestId.of(id), id, method.textValue(),
                params == null ? JsonRpc.object() : (ObjectNode) params);
    }
}
