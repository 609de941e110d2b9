package io.pgmcp.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON-RPC 2.0 envelopes and the one JSON configuration of the protocol. Every message built here
 * carries {@code "jsonrpc":"2.0"} and omits absent members instead of writing {@code null}.
 *
 * <p>Parsing is strict: duplicate keys and anything after the first value are parse errors, so a
 * message cannot mean one thing to us and another to a log reader. Integers keep their exact value
 * (Jackson picks int, long or BigInteger as needed) and decimals are written without exponents.
 */
final class JsonRpc {

    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    static final JsonNodeFactory NODES = MAPPER.getNodeFactory();

    private JsonRpc() {}

    /**
     * @return the parsed message; a {@code MissingNode} if {@code text} holds no value at all
     * @throws JsonProcessingException if {@code text} is not valid JSON or holds more than one value
     */
    static JsonNode parse(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }

    /** @return {@code node} as compact JSON */
    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // A tree of our own nodes always serialises; failing here is a bug, not an input problem.
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    /** @return a success response */
    static ObjectNode result(JsonNode id, ObjectNode result) {
        ObjectNode response = envelope();
        response.set("id", id);
        response.set("result", result);
        return response;
    }

    /** @param id the request's id, or {@code null} to omit it (the id was absent or invalid) */
    static ObjectNode error(JsonNode id, JsonRpcException error) {
        ObjectNode response = envelope();
        if (id != null) {
            response.set("id", id);
        }
        ObjectNode body = response.putObject("error");
        body.put("code", error.code());
        body.put("message", error.getMessage());
        ObjectNode data = error.data();
        if (data != null) {
            body.set("data", data);
        }
        return response;
    }

    /** @return a notification (a message without id) */
    static ObjectNode notification(String method, ObjectNode params) {
        ObjectNode message = envelope();
        message.put("method", method);
        message.set("params", params);
        return message;
    }

    /** @return a {@code -32603} with a generic message: details belong in the log, not on the wire */
    static JsonRpcException internalError() {
        return new JsonRpcException(JsonRpcException.INTERNAL_ERROR, "Internal error");
    }

    /** @return a {@code -32700} with the given message */
    static ObjectNode parseError(String message) {
        return error(null, new JsonRpcException(JsonRpcException.PARSE_ERROR, message));
    }

    /** @return {@code text}, cut to a length that is safe to echo in an error message */
    static String abbreviate(String text) {
        int max = 120;
        return text.length() <= max ? text : text.substring(0, max) + "...";
    }

    private static ObjectNode envelope() {
        ObjectNode message = NODES.objectNode();
        message.put("jsonrpc", "2.0");
        return message;
    }
}
