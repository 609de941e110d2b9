package io.pgmcp.mcp;

import static io.pgmcp.mcp.TestClient.assertError;
import static io.pgmcp.mcp.TestClient.json;
import static io.pgmcp.mcp.TestClient.notification;
import static io.pgmcp.mcp.TestClient.request;
import static io.pgmcp.mcp.TestClient.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stateless (2026-07-28) requests on the session core, beside the legacy handshake. */
class ModernEraTest {

    static final String ENVELOPE = "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"modern-test\",\"version\":\"2.4.0\"},"
            + "\"io.modelcontextprotocol/clientCapabilities\":{}";

    private final CountDownLatch blockStarted = new CountDownLatch(1);
    private final CountDownLatch blockCancelled = new CountDownLatch(1);

    private final Registry registry = new Registry()
            .add(new TestTool("whoami", (arguments, context) -> TestTool.ok(TestClient.JSON.createObjectNode()
                    .put("version", context.protocolVersion())
                    .put("client", context.clientInfo().map(ClientInfo::name).orElse("none"))
                    .put("session", context.sessionId()).toString())))
            .add(new TestTool("chatty", (arguments, context) -> {
                context.progress(1, 2.0, "half");
                context.log(LogLevel.INFO, "test", "info line");
                context.log(LogLevel.ERROR, "test", "error line");
                return TestTool.ok("{\"done\":true}");
            }))
            .add(new TestTool("block", (arguments, context) -> {
                context.onCancel(blockCancelled::countDown);
                blockStarted.countDown();
                Thread.sleep(30_000);
                return TestTool.ok("{}");
            }))
            .add(new ResourceProvider() {
                @Override
                public List<ResourceDefinition> resources() {
                    return List.of(new ResourceDefinition("databases://list", "databases", null, null, "text/plain"));
                }

                @Override
                public List<ResourceTemplateDefinition> templates() {
                    return List.of(
                            new ResourceTemplateDefinition("schema://{database}", "schema", null, null, "text/plain"));
                }

                @Override
                public Optional<ResourceContents> read(String uri, RequestContext context) throws JsonRpcException {
                    if (uri.equals("schema://main/missing")) {
                        // as TableResources answers a table that does not exist or may not be read
                        throw new JsonRpcException(JsonRpcException.RESOURCE_NOT_FOUND,
                                "Resource not found: table 'missing'",
                                TestClient.JSON.createObjectNode().put("uri", uri));
                    }
                    return uri.equals("databases://list")
                            ? Optional.of(new ResourceContents(uri, "text/plain", "main"))
                            : Optional.empty();
                }
            });

    /** @param params the params' members besides _meta, e.g. {@code "\"name\":\"x\""}, or "" */
    static String modern(String params) {
        return "{\"_meta\":{" + ENVELOPE + "}" + (params.isEmpty() ? "" : "," + params) + "}";
    }

    @Test
    void discoverIsAnsweredWithoutInitialize() {
        try (TestClient client = new TestClient(registry)) {
            JsonNode result = result(client.call("server/discover", modern("")));
            assertEquals("complete", result.get("resultType").asText());
            assertEquals("2026-07-28", result.at("/supportedVersions/0").asText());
            assertTrue(result.get("supportedVersions").toString().contains("2025-11-25"), result::toString);
            assertEquals(json("{\"tools\":{\"listChanged\":false},\"resources\":{},\"completions\":{},\"logging\":{}}"),
                    result.get("capabilities"));
            assertEquals("Use execute_sql for SQL.", result.get("instructions").asText());
            assertEquals(json("{\"name\":\"pg-mcp\",\"version\":\"1.2.3\"}"),
                    result.at("/_meta/io.modelcontextprotocol~1serverInfo"));
            assertEquals("public", result.get("cacheScope").asText());
            assertEquals(300_000, result.get("ttlMs").asLong());
            assertTrue(client.session().protocolVersion().isEmpty(), "a modern request opens no session");
        }
    }

    @Test
    void statelessRequestsNeedNoHandshakeAndCarryResultTypeCacheHintsAndServerInfo() {
        try (TestClient client = new TestClient(registry)) {
            JsonNode tools = result(client.call("tools/list", modern("")));
            assertEquals(3, tools.get("tools").size());
            assertEquals("complete", tools.get("resultType").asText());
            assertEquals("public", tools.get("cacheScope").asText());
            assertTrue(tools.get("ttlMs").asLong() > 0);
            assertEquals("pg-mcp", tools.at("/_meta/io.modelcontextprotocol~1serverInfo/name").asText());

            JsonNode resources = result(client.call("resources/list", modern("")));
            assertEquals("databases://list", resources.at("/resources/0/uri").asText());
            assertTrue(resources.has("ttlMs") && resources.has("cacheScope"), resources::toString);
            assertTrue(result(client.call("resources/templates/list", modern(""))).has("ttlMs"));
            JsonNode read = result(client.call("resources/read", modern("\"uri\":\"databases://list\"")));
            assertEquals("main", read.at("/contents/0/text").asText());
            assertTrue(read.has("ttlMs") && read.has("cacheScope"), read::toString);

            JsonNode call = result(client.call("tools/call", modern("\"name\":\"whoami\",\"arguments\":{}")));
            assertEquals("complete", call.get("resultType").asText());
            assertFalse(call.has("ttlMs"), "a tool call is not cacheable");
            assertEquals("2026-07-28", call.at("/structuredContent/version").asText());
            assertEquals("modern-test", call.at("/structuredContent/client").asText(), "client info from _meta");
        }
    }

    @Test
    void resourcesArePrivateWhereCallersAreToldApart() {
        LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        McpSession session = new McpSession(TestClient.SERVER, registry, McpSession.genericToolErrorMapper(),
                new CacheHints(Duration.ofMinutes(5), Duration.ofSeconds(3600), true), queue::add, "s");
        try (TestClient client = new TestClient(session::handle, queue)) {
            JsonNode resources = result(client.call("resources/list", modern("")));
            assertEquals("private", resources.get("cacheScope").asText());
            assertEquals(3_600_000, resources.get("ttlMs").asLong());
            assertEquals("public", result(client.call("tools/list", modern(""))).get("cacheScope").asText(),
                    "the tools are the same for every caller");
        } finally {
            session.close(TestClient.TIMEOUT);
        }
    }

    @Test
    void anUnsupportedVersionIs32022NamingTheSupportedOnes() {
        try (TestClient client = new TestClient(registry)) {
            JsonNode response = client.call("tools/list",
                    "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"1900-01-01\","
                            + "\"io.modelcontextprotocol/clientCapabilities\":{}}}");
            assertError(response, -32022);
            assertEquals("1900-01-01", response.at("/error/data/requested").asText());
            assertEquals("2026-07-28", response.at("/error/data/supported/0").asText());
            assertTrue(response.at("/error/data/supported").toString().contains("2025-03-26"), response::toString);
        }
    }

    @Test
    void aLegacyVersionInMetaIsAskedToInitialize() {
        try (TestClient client = new TestClient(registry)) {
            JsonNode response = client.call("tools/list",
                    "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2025-06-18\","
                            + "\"io.modelcontextprotocol/clientCapabilities\":{}}}");
            assertError(response, -32600);
            assertTrue(response.at("/error/message").asText().contains("initialize"), response::toString);
        }
    }

    @Test
    void aMalformedEnvelopeIs32602NamingTheKey() {
        try (TestClient client = new TestClient(registry)) {
            JsonNode noCapabilities = client.call("tools/list",
                    "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}");
            assertError(noCapabilities, -32602);
            assertTrue(noCapabilities.at("/error/message").asText().contains("clientCapabilities"),
                    noCapabilities::toString);
            assertError(client.call("tools/list", "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":7,"
                    + "\"io.modelcontextprotocol/clientCapabilities\":{}}}"), -32602);
            assertError(client.call("tools/list",
                    "{\"_meta\":{" + ENVELOPE + ",\"io.modelcontextprotocol/logLevel\":\"loud\"}}"), -32602);
            assertError(client.call("tools/list",
                    "{\"_meta\":{" + ENVELOPE.replace("{\"name\":\"modern-test\",\"version\":\"2.4.0\"}", "\"me\"")
                            + "}}"),
                    -32602);
            JsonNode bareDiscover = client.call("server/discover", null);
            assertError(bareDiscover, -32602);
            assertTrue(bareDiscover.at("/error/message").asText().contains("protocolVersion"), bareDiscover::toString);
        }
    }

    @Test
    void methodsTheModernEraRemovedAreNotFound() {
        try (TestClient client = new TestClient(registry)) {
            assertError(client.call("ping", modern("")), -32601);
            assertError(client.call("logging/setLevel", modern("\"level\":\"debug\"")), -32601);
            assertError(client.call("subscriptions/listen", modern("\"notifications\":{}")), -32601);
        }
    }

    @Test
    void anUnknownResourceIs32602ForModernAnd32002ForLegacyClients() {
        try (TestClient client = new TestClient(registry)) {
            JsonNode modern = client.call("resources/read", modern("\"uri\":\"nowhere://x\""));
            assertError(modern, -32602);
            assertEquals("nowhere://x", modern.at("/error/data/uri").asText());
            client.initialize();
            assertError(client.call("resources/read", "{\"uri\":\"nowhere://x\"}"), -32002);
        }
    }

    @Test
    void aProvidersOwnNotFoundFollowsTheEraToo() {
        try (TestClient client = new TestClient(registry)) {
            JsonNode modern = client.call("resources/read", modern("\"uri\":\"schema://main/missing\""));
            assertError(modern, -32602);
            assertEquals("schema://main/missing", modern.at("/error/data/uri").asText());
            client.initialize();
            assertError(client.call("resources/read", "{\"uri\":\"schema://main/missing\"}"), -32002);
        }
    }

    @Test
    void anUnknownToolIs32602() {
        try (TestClient client = new TestClient(registry)) {
            assertError(client.call("tools/call", modern("\"name\":\"nope\",\"arguments\":{}")), -32602);
        }
    }

    @Test
    void logMessagesGoOnlyToRequestsThatAskForALevel() {
        try (TestClient client = new TestClient(registry)) {
            String progress = ",\"progressToken\":\"p1\"";
            JsonNode quiet = client.call("tools/call", "{\"_meta\":{" + ENVELOPE + progress + "},\"name\":\"chatty\"}");
            result(quiet);
            List<JsonNode> before = client.drain();
            assertTrue(before.stream().noneMatch(m -> "notifications/message".equals(m.path("method").asText())),
                    "no log notification without a per-request level: " + before);
            assertTrue(before.stream().anyMatch(m -> "notifications/progress".equals(m.path("method").asText())),
                    "progress by the request's token: " + before);

            result(client.call("tools/call", "{\"_meta\":{" + ENVELOPE
                    + ",\"io.modelcontextprotocol/logLevel\":\"error\"},\"name\":\"chatty\"}"));
            List<JsonNode> logs = client.drain().stream()
                    .filter(m -> "notifications/message".equals(m.path("method").asText())).toList();
            assertEquals(1, logs.size(), logs::toString);
            assertEquals("error", logs.get(0).at("/params/level").asText());
        }
    }

    @Test
    void aModernRequestIsCancelledByNotificationOnStdio() throws InterruptedException {
        try (TestClient client = new TestClient(registry)) {
            client.send(request("7", "tools/call", modern("\"name\":\"block\"")));
            assertTrue(blockStarted.await(10, TimeUnit.SECONDS));
            client.send(notification("notifications/cancelled", "{\"_meta\":{" + ENVELOPE + "},\"requestId\":7}"));
            assertTrue(blockCancelled.await(10, TimeUnit.SECONDS), "the cancel hook ran");
            JsonNode after = result(client.call("tools/list", modern("")));
            assertTrue(after.has("tools"));
            assertTrue(client.drain().stream().noneMatch(m -> m.path("id").asInt(-1) == 7),
                    "a cancelled request gets no answer");
        }
    }

    @Test
    void bothErasShareOneSession() {
        try (TestClient client = new TestClient(registry)) {
            client.initialize("2025-06-18");
            JsonNode legacy = result(client.call("tools/list", null));
            assertFalse(legacy.has("resultType"), "a 2025 client's results are unchanged");
            assertFalse(legacy.has("ttlMs"));
            JsonNode legacyCall = result(client.call("tools/call", "{\"name\":\"whoami\"}"));
            assertEquals("2025-06-18", legacyCall.at("/structuredContent/version").asText());
            assertEquals("test-client", legacyCall.at("/structuredContent/client").asText());
            JsonNode modern = result(client.call("tools/call", modern("\"name\":\"whoami\"")));
            assertEquals("2026-07-28", modern.at("/structuredContent/version").asText());
            assertEquals("modern-test", modern.at("/structuredContent/client").asText());
            assertEquals("2025-06-18", client.session().protocolVersion().orElseThrow().wireName(),
                    "a modern request leaves the session's handshake alone");
        }
    }

    @Test
    void initializeNeverNegotiatesAModernVersion() {
        try (TestClient client = new TestClient(registry)) {
            assertEquals("2025-11-25", result(client.initialize("2026-07-28")).get("protocolVersion").asText());
        }
    }

    @Test
    void aModernRequestInABatchIsInvalid() {
        try (TestClient client = new TestClient(registry)) {
            client.initialize("2025-03-26");
            client.send("[" + request("1", "tools/list", modern("")) + "," + request("2", "tools/list", null) + "]");
            JsonNode batch = client.awaitBatch();
            assertEquals(-32600, batch.get(0).at("/error/code").asInt(), batch::toString);
            assertTrue(batch.get(1).has("result"), batch::toString);
        }
    }

    @Test
    void aMissingClientCapabilityIs32021ListingIt() throws JsonRpcException {
        RequestEnvelope envelope = RequestEnvelope.of(json(modern("")), ProtocolVersion.V2026_07_28);
        JsonRpcException missing = assertThrows(JsonRpcException.class,
                () -> envelope.require(List.of("elicitation", "sampling")));
        assertEquals(-32021, missing.code());
        assertEquals(json("{\"requiredCapabilities\":{\"elicitation\":{},\"sampling\":{}}}"), missing.data());
        RequestEnvelope declared = RequestEnvelope.of(
                json("{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                        + "\"io.modelcontextprotocol/clientCapabilities\":{\"elicitation\":{}}}}"),
                ProtocolVersion.V2026_07_28);
        declared.require(List.of("elicitation"));
    }
}
