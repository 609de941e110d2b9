package io.pgmcp.mcp;

import static io.pgmcp.mcp.TestClient.assertError;
import static io.pgmcp.mcp.TestClient.json;
import static io.pgmcp.mcp.TestClient.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
                        List.of(new ResourceDefinition("databases://list", "databases", "Databases", "All databases",
                                "text/plain")),
                        List.of(new ResourceTemplateDefinition("schema://{database}", "schema", null, "A schema",
                                "text/plain")),
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
            JsonNode resources = result(client.call("resources/list", "{}")).get("resources");
            assertEquals(2, resources.size());
            assertEquals(json("{\"uri\":\"databases://list\",\"name\":\"databases\",\"title\":\"Databases\","
                    + "\"description\":\"All databases\",\"mimeType\":\"text/plain\"}"), resources.get(0));
            assertEquals(json("{\"uri\":\"other://one\",\"name\":\"one\"}"), resources.get(1));
        }
    }

    @Test
    void resourcesListIsPagedWithAnOpaqueCursor() {
        List<ResourceDefinition> five = java.util.stream.IntStream.range(0, 5)
                .mapToObj(i -> new ResourceDefinition("r://" + i, "r" + i, null, null, null)).toList();
        Registry small = new Registry(2).add(new FixedProvider(five.subList(0, 3), List.of(), Map.of()))
                .add(new FixedProvider(five.subList(3, 5), List.of(), Map.of()));
        try (TestClient client = new TestClient(small)) {
            client.initialize();
            List<String> uris = new java.util.ArrayList<>();
            JsonNode page = result(client.call("resources/list", null));
            int pages = 1;
            while (true) {
                page.get("resources").forEach(r -> uris.add(r.get("uri").asText()));
                assertTrue(page.get("resources").size() <= 2, page::toString);
                if (!page.has("nextCursor")) {
                    break;
                }
                page = result(
                        client.call("resources/list", "{\"cursor\":\"" + page.get("nextCursor").asText() + "\"}"));
                pages++;
            }
            assertEquals(List.of("r://0", "r://1", "r://2", "r://3", "r://4"), uris);
            assertEquals(3, pages);
        }
    }

    @Test
    void aCursorTheServerDidNotIssueIs32602() {
        try (TestClient client = new TestClient(new Registry(1).add(new FixedProvider(List.of(
                new ResourceDefinition("r://0", "r0", null, null, null),
                new ResourceDefinition("r://1", "r1", null, null, null)),
                List.of(), Map.of())))) {
            client.initialize();
            String cursor = result(client.call("resources/list", "{}")).get("nextCursor").asText();
            assertEquals("r://1", result(client.call("resources/list", "{\"cursor\":\"" + cursor + "\"}"))
                    .at("/resources/0/uri").asText());
            String elsewhere = java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString("tools/list:1".getBytes());
            String beyond = java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString("resources/list:9".getBytes());
            for (String bad : List.of("\"x\"", "\"\"", "5", "\"" + elsewhere + "\"", "\"" + beyond + "\"", "\"!!\"")) {
                assertError(client.call("resources/list", "{\"cursor\":" + bad + "}"), -32602);
            }
        }
    }

    @Test
    void resourceTemplatesAreListed() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            JsonNode result = result(client.call("resources/templates/list", null));
            assertEquals(1, result.get("resourceTemplates").size());
            assertEquals(
                    json("{\"uriTemplate\":\"schema://{database}\",\"name\":\"schema\",\"description\":\"A schema\","
                            + "\"mimeType\":\"text/plain\"}"),
                    result.get("resourceTemplates").get(0));
        }
    }

    @Test
    void readReturnsTheFirstProviderThatKnowsTheUri() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            JsonNode contents = result(client.call("resources/read", "{\"uri\":\"schema://main\"}")).get("contents");
            assertEquals(json(
                    "{\"uri\":\"schema://main\",\"mimeType\":\"text/plain\",\"text\":\"CREATE TABLE t (id int);\"}"),
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
