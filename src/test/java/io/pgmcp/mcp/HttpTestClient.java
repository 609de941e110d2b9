package io.pgmcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Streamable HTTP client for tests, on {@code java.net.http}: keeps the session id and protocol
 * version after {@code initialize} and sends them with every later request, reads JSON and event-stream
 * answers alike.
 */
public final class HttpTestClient {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final Duration TIMEOUT = Duration.ofSeconds(20);
    public static final String ACCEPT_BOTH = "application/json, text/event-stream";

    /** One HTTP answer: status, headers, and the JSON-RPC messages of its body in order. */
    public record Reply(int status, HttpResponse<String> response, List<JsonNode> messages) {
        public JsonNode message() {
            assertEquals(1, messages.size(), "one message expected in " + response.body());
            return messages.getFirst();
        }

        /** The last message: the answer when the reply is an event stream. */
        public JsonNode answer() {
            return messages.getLast();
        }

        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        public boolean isStream() {
            return "text/event-stream".equals(header("Content-Type"));
        }
    }

    private final HttpClient http;
    private final URI endpoint;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String sessionId;
    private String version = "2025-06-18";

    public HttpTestClient(HttpClient http, URI endpoint) {
        this.http = http;
        this.endpoint = endpoint;
    }

    public HttpTestClient(URI endpoint) {
        this(HttpClient.newBuilder().connectTimeout(TIMEOUT).build(), endpoint);
    }

    /** Sends {@code name: value} with every request (e.g. Authorization). */
    public HttpTestClient header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public String sessionId() {
        return sessionId;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Initializes with {@code protocolVersion}, sends notifications/initialized; answers the initialize result. */
    public JsonNode initialize(String protocolVersion) {
        Reply reply = post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                + protocolVersion
                + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"http-test\",\"version\":\"1\"}}}");
        assertEquals(200, reply.status(), reply.response().body());
        sessionId = reply.header("Mcp-Session-Id");
        assertNotNull(sessionId, "initialize answered with a session id");
        version = reply.message().at("/result/protocolVersion").asText();
        Reply initialized = post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        assertEquals(202, initialized.status(), initialized.response().body());
        return reply.message().get("result");
    }

    public JsonNode initialize() {
        return initialize("2025-06-18");
    }

    /** POSTs {@code body} with the session's headers and Accept for both answer kinds. */
    public Reply post(String body) {
        return send(request().header("Accept", ACCEPT_BOTH).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** The builder with this client's headers (session id, protocol version, extras). */
    public HttpRequest.Builder request() {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint).timeout(TIMEOUT)
                .header("Content-Type", "application/json");
        if (sessionId != null) {
            builder.header("Mcp-Session-Id", sessionId).header("MCP-Protocol-Version", version);
        }
        headers.forEach(builder::header);
        return builder;
    }

    public Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response, messages(response));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code tools/call} of {@code tool} with {@code arguments} (JSON text). */
    public Reply call(Object id, String tool, String arguments) {
        return post("{\"jsonrpc\":\"2.0\",\"id\":" + JSON.valueToTree(id)
                + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
                + tool + "\",\"arguments\":" + arguments + "}}");
    }

    public Reply delete() {
        return send(request().DELETE());
    }

    private static List<JsonNode> messages(HttpResponse<String> response) {
        String body = response.body();
        List<JsonNode> messages = new ArrayList<>();
        if (body == null || body.isBlank()) {
            return messages;
        }
        try {
            if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
                for (String event : body.split("\n\n")) {
                    for (String line : event.split("\n")) {
                        if (line.startsWith("data: ")) {
                            messages.add(JSON.readTree(line.substring(6)));
                        }
                    }
                }
            } else {
                messages.add(JSON.readTree(body));
            }
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
        return messages;
    }
}
