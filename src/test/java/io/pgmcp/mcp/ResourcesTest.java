package io.pgmcp.mcp;

import static io.pgmcp.mcp.TestClient.assertError;
import static io.pgmcp.mcp.TestClient.json;
import static io.pgmcp.mcp.TestClient.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResourcesTest {

    /** A provider serving fixed texts, plus one URI that fails. */
    private record FixedProvider(List<ResourceDefinition> resources, List<ResourceTemplateDefinition> templates,
                                 Map<String, String> texts) implements ResourceProvider {
        @Override
        public Optional<ResourceContents> read(String uri, RequestContext context) throws Exception {
            if (uri.equals("broken://secret")) {
                throw new IllegalStateException("jdbc:postgresql://db/prod?password=hunter2");
            }
            if (uri.equals("denied://x")) {
                throw JsonRpcException.invalidParams("Unknown database: x");
            }
            return Optional.ofNullable(texts.get(uri)).map(text -> new ResourceContents(uri, "text/plain", text));
        }
    }

    private static Registry registry() {
        return new Registry()
                .add(new FixedProvider(
                        List.of(new ResourceDefinition("databases://list", "databases", "Databases", "All databases", "text/plain")),
                        List.of(new ResourceTemplateDefinition("schema://{database}", "schema", null, "A schema", "text/plain")),
                        Map.of("databases://list", "Available Databases:\n- main (3 tables, 1 views)")))
                .add(new FixedProvider(
                        List.of(new ResourceDefinition("other://one", "one", null, null, null)),
                        List.of(),
                        Map.of("schema://main", "CREATE TABLE t (id int);")));
    }

    @Test
    void resourcesListSpansProvidersInOrder() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            JsonNode resources = result(client.call("resources/list", "{\"cursor\":\"x\"}")).get("resources");
            assertEquals(2, resources.size());
            assertEquals(json("{\"uri\":\"databases://list\",\"name\":\"databases\",\"title\":\"Databases\","
                    + "\"description\":\"All databases\",\"mimeType\":\"text/plain\"}"), resources.get(0));
            assertEquals(json("{\"uri\":\"other://one\",\"name\":\"one\"}"), resources.get(1));
        }
    }

    @Test
    void resourceTemplatesAreListed() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            JsonNode result = result(client.call("resources/templates/list", null));
            assertEquals(1, result.get("resourceTemplates").size());
            assertEquals(json("{\"uriTemplate\":\"schema://{database}\",\"name\":\"schema\",\"description\":\"A schema\","
                    + "\"mimeType\":\"text/plain\"}"), result.get("resourceTemplates").get(0));
        }
    }

    @Test
    void readReturnsTheFirstProviderThatKnowsTheUri() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            JsonNode contents = result(client.call("resources/read", "{\"uri\":\"schema://main\"}")).get("contents");
            assertEquals(json("{\"uri\":\"schema://main\",\"mimeType\":\"text/plain\",\"text\":\"CREATE TABLE t (id int);\"}"),
                    contents.get(0));
        }
    }

    @Test
    void unknownResourceIs32002() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            JsonNode response = client.call("resources/read", "{\"uri\":\"schema://nope\"}");
            assertError(response, -32002);
            assertEquals("Resource not found: schema://nope", response.get("error").get("message").asText());
            assertEquals(json("{\"uri\":\"schema://nope\"}"), response.get("error").get("data"));
        }
    }

    @Test
    void missingUriIs32602() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            assertError(client.call("resources/read", "{}"), -32602);
            assertError(client.call("resources/read", "{\"uri\":5}"), -32602);
        }
    }

    @Test
    void providerFailureIsAGeneric32603() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            JsonNode response = client.call("resources/read", "{\"uri\":\"broken://secret\"}");
            assertError(response, -32603);
            assertEquals("Internal error", response.get("error").get("message").asText());
            assertFalse(response.toString().contains("hunter2"));
        }
    }

    @Test
    void providerMayAnswerWithItsOwnJsonRpcError() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            JsonNode response = client.call("resources/read", "{\"uri\":\"denied://x\"}");
            assertError(response, -32602);
            assertEquals("Unknown database: x", response.get("error").get("message").asText());
        }
    }
}
