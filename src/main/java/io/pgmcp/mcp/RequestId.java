package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A request id as a map key: equal when the JSON type and value are equal, so the string
 * {@code "1"} and the number {@code 1} are different requests, and {@code 1} is the same however
 * the parser chose to hold it.
 */
record RequestId(boolean textual, String value) {

    /** @return whether {@code id} is a valid MCP request id: a string or an integer */
    static boolean isValid(JsonNode id) {
        return id != null && (id.isTextual() || id.isIntegralNumber());
    }

    /** @throws IllegalArgumentException if {@code id} is not {@linkplain #isValid valid} */
    static RequestId of(JsonNode id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("not a request id: " + id);
        }
        return id.isTextual()
                ? new RequestId(true, id.textValue())
                : new RequestId(false, id.bigIntegerValue().toString());
    }

    @Override
    public String toString() {
        return textual ? '"' + value + '"' : value;
    }
}
