package io.pgmcp.mcp;

import static io.pgmcp.mcp.TestClient.assertError;
import static io.pgmcp.mcp.TestClient.json;
import static io.pgmcp.mcp.TestClient.notification;
import static io.pgmcp.mcp.TestClient.request;
import static io.pgmcp.mcp.TestClient.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HandshakeTest {

    @ParameterizedTest
    @ValueSource(strings = {"2025-11-25", "2025-06-18", "2025-03-26"})
    void initializeEchoesASupportedVersion(String version) {
        try (TestClient client = new TestClient(new Registry())) {
            JsonNode result = result(client.initialize(version));
            assertEquals(version, result.get("protocolVersion").asText());
            assertEquals(Optional.of(version), client.session().protocolVersion().map(ProtocolVersion::wireName));
        }
    }

    @Test
    void initializeAnswersTheNewestVersionForAnUnknownOne() {
        try (TestClient client = new TestClient(new Registry())) {
            JsonNode result = result(client.initialize("2024-11-05"));
            assertEquals("2025-11-25", result.get("protocolVersion").asText());
        }
    }

    @Test
    void initializeResultHasCapabilitiesServerInfoAndInstructions() {
        try (TestClient client = new TestClient(new Registry())) {
            JsonNode result = result(client.initialize());
            assertEquals(json("{\"tools\":{\"listChanged\":false},\"resources\":{},\"completions\":{},\"logging\":{}}"),
                    result.get("capabilities"));
            assertEquals(json("{\"name\":\"pg-mcp\",\"version\":\"1.2.3\"}"), result.get("serverInfo"));
            assertEquals("Use execute_sql for SQL.", result.get("instructions").asText());
        }
    }

    @Test
    void instructionsAreAskedForAtEachInitialize() {
        var said = new java.util.concurrent.atomic.AtomicInteger();
        ServerInfo server = new ServerInfo("pg-mcp", "1", () -> "call " + said.incrementAndGet());
        for (int session = 1; session <= 2; session++) {
            var queue = new java.util.concurrent.LinkedBlockingQueue<String>();
            var mcp = new McpSession(server, new Registry(), McpSession.genericToolErrorMapper(), queue::add,
                    "s" + session);
            try (TestClient client = new TestClient(mcp::handle, queue)) {
                assertEquals("call " + session, result(client.initialize()).get("instructions").asText());
            } finally {
                mcp.close(TestClient.TIMEOUT);
            }
        }
    }

    @Test
    void instructionsAreOmittedWhenAbsent() {
        var queue = new java.util.concurrent.LinkedBlockingQueue<String>();
        var session = new McpSession(new ServerInfo("pg-mcp", "1", (String) null), new Registry(),
                McpSession.genericToolErrorMapper(), queue::add, "s");
        try (TestClient client = new TestClient(session::handle, queue)) {
            JsonNode result = result(client.initialize());
            assertFalse(result.has("instructions"), result::toString);
        } finally {
            session.close(TestClient.TIMEOUT);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"protocolVersion\":20250618}", "{\"protocolVersion\":null}"})
    void initializeWithoutAStringProtocolVersionIs32602(String params) {
        try (TestClient client = new TestClient(new Registry())) {
            assertError(client.call("initialize", params), -32602);
            assertTrue(client.session().protocolVersion().isEmpty());
        }
    }

    @Test
    void initializeWithoutParamsIs32602() {
        try (TestClient client = new TestClient(new Registry())) {
            assertError(client.call("initialize", null), -32602);
        }
    }

    @Test
    void secondInitializeIs32600() {
        try (TestClient client = new TestClient(new Registry())) {
            client.initialize("2025-06-18");
            assertError(client.call("initialize", "{\"protocolVersion\":\"2025-03-26\"}"), -32600);
            assertEquals("2025-06-18", client.session().protocolVersion().orElseThrow().wireName());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tools/list", "tools/call", "resources/list", "logging/setLevel", "no/such"})
    void requestsBeforeInitializeAre32600(String method) {
        try (TestClient client = new TestClient(new Registry())) {
            JsonNode response = client.call(method, "{}");
            assertError(response, -32600);
            assertEquals("Server not initialized: send initialize first",
                    response.get("error").get("message").asText());
        }
    }

    @Test
    void pingWorksBeforeAndAfterInitialize() {
        try (TestClient client = new TestClient(new Registry())) {
            assertEquals(json("{}"), result(client.call("ping", null)));
            client.initialize();
            assertEquals(json("{}"), result(client.call("ping", "{}")));
        }
    }

    @Test
    void initializedNotificationGetsNoResponse() {
        try (TestClient client = new TestClient(new Registry())) {
            client.call("initialize", "{\"protocolVersion\":\"2025-06-18\"}");
            client.send(notification("notifications/initialized", null));
            client.send(request("\"after\"", "ping", null));
            assertEquals("after", client.next().get("id").asText());
        }
    }

    @Test
    void requestContextSeesSessionVersionAndClientInfo() {
        AtomicReference<String> seen = new AtomicReference<>();
        Registry registry = new Registry().add(new TestTool("who", (args, context) -> {
            seen.set(context.sessionId() + "|" + context.protocolVersion() + "|" + context.clientInfo().orElseThrow());
            return TestTool.ok("{}");
        }));
        try (TestClient client = new TestClient(registry)) {
            client.initialize("2025-03-26");
            result(client.call("tools/call", "{\"name\":\"who\"}"));
            assertEquals("session-1|2025-03-26|ClientInfo[name=test-client, version=0.9]", seen.get());
        }
    }
}
