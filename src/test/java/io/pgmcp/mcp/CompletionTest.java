package io.pgmcp.mcp;

import static io.pgmcp.mcp.TestClient.assertError;
import static io.pgmcp.mcp.TestClient.json;
import static io.pgmcp.mcp.TestClient.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@code completion/complete} for resource template arguments, and the {@code completions} capability. */
class CompletionTest {

    /** Completes {@code item} of {@code items://{kind}/{item}} from 250 names, filtered by the kind in the context. */
    private record ItemProvider(List<CompletionRequest> seen) implements ResourceProvider {
        @Override
        public List<ResourceDefinition> resources() {
            return List.of();
        }

        @Override
        public List<ResourceTemplateDefinition> templates() {
            return List.of(new ResourceTemplateDefinition("items://{kind}/{item}", "item", null, null, null));
        }

        @Override
        public Optional<ResourceContents> read(String uri, RequestContext context) {
            return Optional.empty();
        }

        @Override
        public Optional<Completion> complete(CompletionRequest request, RequestContext context) {
            seen.add(request);
            if (!request.uriTemplate().equals("items://{kind}/{item}") || !request.argument().equals("item")) {
                return Optional.empty();
            }
            String kind = request.context().getOrDefault("kind", "item");
            return Optional.of(Completion.of(IntStream.range(0, 250).mapToObj(i -> kind + i)
                    .filter(name -> name.startsWith(request.value())).toList()));
        }
    }

    private static Registry registry(List<CompletionRequest> seen) {
        return new Registry().add(new ItemProvider(seen));
    }

    @Test
    void initializeDeclaresTheCompletionsCapability() {
        try (TestClient client = new TestClient(new Registry())) {
            assertEquals(json("{}"), result(client.initialize()).at("/capabilities/completions"));
        }
    }

    @Test
    void answersAtMostAHundredValuesWithTotalAndHasMore() {
        List<CompletionRequest> seen = new ArrayList<>();
        try (TestClient client = new TestClient(registry(seen))) {
            client.initialize();
            JsonNode completion = result(client.call("completion/complete", "{\"ref\":{\"type\":\"ref/resource\","
                    + "\"uri\":\"items://{kind}/{item}\"},\"argument\":{\"name\":\"item\",\"value\":\"bolt\"},"
                    + "\"context\":{\"arguments\":{\"kind\":\"bolt\",\"ignored\":5}}}")).get("completion");
            assertEquals(100, completion.get("values").size());
            assertEquals("bolt0", completion.at("/values/0").asText());
            assertEquals(250, completion.get("total").asInt());
            assertTrue(completion.get("hasMore").asBoolean());
            assertEquals(Map.of("kind", "bolt"), seen.getFirst().context(),
                    "string context arguments reach the provider");

            JsonNode few = result(client.call("completion/complete", "{\"ref\":{\"type\":\"ref/resource\","
                    + "\"uri\":\"items://{kind}/{item}\"},\"argument\":{\"name\":\"item\",\"value\":\"item24\"}}"))
                    .get("completion");
            assertEquals(json(
                    "{\"values\":[\"item24\",\"item240\",\"item241\",\"item242\",\"item243\",\"item244\",\"item245\","
                            + "\"item246\",\"item247\",\"item248\",\"item249\"],\"total\":11,\"hasMore\":false}"),
                    few);
        }
    }

    @Test
    void unknownTemplatesArgumentsAndPromptsAre32602() {
        try (TestClient client = new TestClient(registry(new ArrayList<>()))) {
            client.initialize();
            assertError(client.call("completion/complete",
                    "{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"items://{kind}/{item}\"},"
                            + "\"argument\":{\"name\":\"colour\",\"value\":\"\"}}"),
                    -32602);
            assertError(
                    client.call("completion/complete", "{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"other://{x}\"},"
                            + "\"argument\":{\"name\":\"x\",\"value\":\"\"}}"),
                    -32602);
            JsonNode prompt = client.call("completion/complete", "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"p\"},"
                    + "\"argument\":{\"name\":\"x\",\"value\":\"\"}}");
            assertError(prompt, -32602);
            assertTrue(prompt.at("/error/message").asText().contains("no prompts"), prompt.toString());
            for (String params : List.of("{}",
                    "{\"ref\":{\"type\":\"ref/tool\",\"name\":\"t\"},\"argument\":{\"name\":\"x\",\"value\":\"\"}}",
                    "{\"ref\":{\"type\":\"ref/resource\"},\"argument\":{\"name\":\"x\",\"value\":\"\"}}",
                    "{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"items://{kind}/{item}\"},\"argument\":{\"name\":\"item\"}}",
                    "{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"items://{kind}/{item}\"},\"argument\":\"item\"}")) {
                assertError(client.call("completion/complete", params), -32602);
            }
        }
    }

    @Test
    void aCompletionHoldsAtMostAHundredValues() {
        List<String> many = IntStream.range(0, 101).mapToObj(Integer::toString).toList();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Completion(many, 101, true));
        assertTrue(e.getMessage().contains("101"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Completion(List.of("a", "b"), 1, false));
        assertEquals(new Completion(List.of(), 0, false), Completion.of(List.of()));
    }
}
