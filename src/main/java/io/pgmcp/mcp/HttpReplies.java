package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes whole HTTP responses of the HTTP transport. */
final class HttpReplies {

    private HttpReplies() {}

    static void json(HttpExchange http, int status, String json, Map<String, String> headers) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach(http.getResponseHeaders()::set);
        http.sendResponseHeaders(status, body.length);
        try (OutputStream out = http.getResponseBody()) {
            out.write(body);
        }
    }

    static void empty(HttpExchange http, int status, Map<String, String> headers) throws IOException {
        headers.forEach(http.getResponseHeaders()::set);
        http.sendResponseHeaders(status, -1);
        http.close();
    }

    /** An HTTP error with a JSON-RPC error body (no id: it answers the HTTP request, not a message). */
    static void error(HttpExchange http, int status, int code, String message, Map<String, String> headers)
            throws IOException {
        json(http, status, JsonRpc.write(JsonRpc.error(null, new JsonRpcException(code, message))), headers);
    }

    /** @return {@code error} with the id of the request it answers */
    static String errorFor(ObjectNode request, int code, String message) {
        return JsonRpc.write(JsonRpc.error(request.get("id"), new JsonRpcException(code, message)));
    }
}
