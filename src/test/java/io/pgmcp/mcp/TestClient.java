package io.pgmcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A client for tests: feeds lines into a session (or anything that accepts lines) and reads the
 * lines that come back. Every line received is parsed and kept, so a test can check them all.
 */
final class TestClient implements AutoCloseable {

    /** Parses decimals exactly, so that the compactness check below also proves no digit was lost. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final ServerInfo SERVER = new ServerInfo("pg-mcp", "1.2.3", "Use execute_sql for SQL.");

    private final BlockingQueue<String> incoming;
    private final java.util.function.Consumer<String> outgoing;
    private final List<JsonNode> unread = new ArrayList<>();
    private final List<JsonNode> everything = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong(1000);
    private final McpSession session;

    /** A client wired straight to a new session. */
    TestClient(Registry registry) {
        this(registry, McpSession.genericToolErrorMapper());
    }

    TestClient(Registry registry, Function<Throwable, ToolResult> mapper) {
        this.incoming = new LinkedBlockingQueue<>();
        this.session = new McpSession(SERVER, registry, mapper, incoming::add, "session-1");
        this.outgoing = session::handle;
    }

    /** A client for a transport: {@code outgoing} takes lines, {@code incoming} yields them. */
    TestClient(java.util.function.Consumer<String> outgoing, BlockingQueue<String> incoming) {
        this.incoming = incoming;
        this.outgoing = outgoing;
        this.session = null;
    }

    McpSession session() {
        return session;
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    void send(String line) {
        outgoing.accept(line);
    }

    /** Sends a request with a fresh numeric id and returns its response. */
    JsonNode call(String method, String params) {
        long id = ids.incrementAndGet();
        send(request(Long.toString(id), method, params));
        return awaitResponse(JSON.getNodeFactory().numberNode(id));
    }

    /** @param idJson the id as a JSON literal, e.g. {@code "\"a\""} or {@code 7} */
    static String request(String idJson, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"method\":\"" + method + "\""
                + (params == null ? "" : ",\"params\":" + params) + "}";
    }

    static String notification(String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\"" + (params == null ? "" : ",\"params\":" + params)
                + "}";
    }

    JsonNode initialize(String version) {
        JsonNode response = call("initialize", "{\"protocolVersion\":\"" + version
                + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test-client\",\"version\":\"0.9\"}}");
        assertNotNull(response.get("result"), response::toString);
        send(notification("notifications/initialized", null));
        return response;
    }

    JsonNode initialize() {
        return initialize("2025-06-18");
    }

    /** @return the next message not yet read, waiting for it */
    JsonNode next() {
        if (!unread.isEmpty()) {
            return unread.remove(0);
        }
        return receive();
    }

    /** @return the response whose id has {@code id}'s JSON type and value; other messages stay unread */
    JsonNode awaitResponse(JsonNode id) {
        for (Iterator<JsonNode> it = unread.iterator(); it.hasNext();) {
            JsonNode message = it.next();
            if (sameId(message.get("id"), id)) {
                it.remove();
                return message;
            }
        }
        while (true) {
            JsonNode message = receive();
            if (sameId(message.get("id"), id)) {
                return message;
            }
            unread.add(message);
        }
    }

    /** @return the next message that is a JSON array (a batch answer); other messages stay unread */
    JsonNode awaitBatch() {
        for (Iterator<JsonNode> it = unread.iterator(); it.hasNext();) {
            JsonNode message = it.next();
            if (message.isArray()) {
                it.remove();
                return message;
            }
        }
        while (true) {
            JsonNode message = receive();
            if (message.isArray()) {
                return message;
            }
            unread.add(message);
        }
    }

    /** @return the next message that is a notification of {@code method}; other messages stay unread */
    JsonNode awaitNotification(String method) {
        for (Iterator<JsonNode> it = unread.iterator(); it.hasNext();) {
            JsonNode message = it.next();
            if (method.equals(message.path("method").asText(null))) {
                it.remove();
                return message;
            }
        }
        while (true) {
            JsonNode message = receive();
            if (method.equals(message.path("method").asText(null))) {
                return message;
            }
            unread.add(message);
        }
    }

    /** @return the messages not yet read, including those that already arrived but were not taken */
    List<JsonNode> drain() {
        List<JsonNode> rest = new ArrayList<>(unread);
        unread.clear();
        for (String line; (line = incoming.poll()) != null;) {
            rest.add(parse(line));
        }
        return rest;
    }

    /** @return every message received so far, in order */
    List<JsonNode> everything() {
        drain().forEach(unread::add);
        return List.copyOf(everything);
    }

    static boolean sameId(JsonNode a, JsonNode b) {
        return a != null && b != null && a.isTextual() == b.isTextual() && a.isNumber() == b.isNumber()
                && a.asText().equals(b.asText());
    }

    static void assertError(JsonNode response, int code) {
        assertNotNull(response.get("error"), () -> "expected error " + code + ", got " + response);
        assertEquals(code, response.get("error").get("code").asInt(), response::toString);
        assertFalse(response.has("result"), response::toString);
    }

    static JsonNode result(JsonNode response) {
        JsonNode result = response.get("result");
        if (result == null) {
            fail("expected a result, got " + response);
        }
        return result;
    }

    private JsonNode receive() {
        String line;
        try {
            line = incoming.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a message", e);
        }
        if (line == null) {
            fail("no message within " + TIMEOUT + "; unread: " + unread);
        }
        return parse(line);
    }

    private JsonNode parse(String line) {
        try {
            JsonNode message = JSON.readTree(line);
            assertEquals(JSON.writeValueAsString(message), line, "not compact JSON");
            everything.add(message);
            return message;
        } catch (JsonProcessingException e) {
            throw new AssertionError("the server wrote a line that is not JSON: " + line, e);
        }
    }

    @Override
    public void close() {
        if (session != null) {
            session.close(TIMEOUT);
        }
    }
}
