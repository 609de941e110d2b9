package io.pgmcp.mcp;

import static io.pgmcp.mcp.TestClient.assertError;
import static io.pgmcp.mcp.TestClient.json;
import static io.pgmcp.mcp.TestClient.request;
import static io.pgmcp.mcp.TestClient.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotificationsTest {

    private static Registry registry() {
        return new Registry()
                .add(new TestTool("stages", (args, context) -> {
                    context.progress(1, 3.0, "generating SQL");
                    context.progress(1, 3.0, "repeated: ignored");
                    context.progress(0.5, null, "backwards: ignored");
                    context.progress(Double.NaN, null, "not finite: ignored");
                    context.progress(2, 3.0, "checking");
                    context.progress(3, null, null);
                    return TestTool.ok("{\"done\":true}");
                }))
                .add(new TestTool("chatty", (args, context) -> {
                    for (LogLevel level : LogLevel.values()) {
                        context.log(level, "pgmcp.test", "at " + level.wireName());
                    }
                    return TestTool.ok("{}");
                }));
    }

    /** Calls a tool, then returns every notification sent before its response, in order. */
    private static List<JsonNode> notificationsOf(TestClient client, String idJson, String params) {
        client.send(request(idJson, "tools/call", params));
        java.util.ArrayList<JsonNode> notifications = new java.util.ArrayList<>();
        while (true) {
            JsonNode message = client.next();
            if (message.has("id")) {
                result(message);
                return notifications;
            }
            notifications.add(message);
        }
    }

    @Test
    void progressNotificationsOnlyWithProgressToken() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            assertEquals(List.of(), notificationsOf(client, "1", "{\"name\":\"stages\"}"));
            assertEquals(List.of(), notificationsOf(client, "2", "{\"name\":\"stages\",\"_meta\":{}}"));
            assertEquals(List.of(),
                    notificationsOf(client, "3", "{\"name\":\"stages\",\"_meta\":{\"progressToken\":1.5}}"));
            List<JsonNode> progress = notificationsOf(client, "4",
                    "{\"name\":\"stages\",\"_meta\":{\"progressToken\":\"tok\"}}");
            assertEquals(List.of(
                    json("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":\"tok\",\"progress\":1.0,\"total\":3.0,\"message\":\"generating SQL\"}}"),
                    json("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":\"tok\",\"progress\":2.0,\"total\":3.0,\"message\":\"checking\"}}"),
                    json("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":\"tok\",\"progress\":3.0}}")),
                    progress);
        }
    }

    @Test
    void integerProgressTokenIsEchoedAsAnInteger() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            List<JsonNode> progress = notificationsOf(client, "5",
                    "{\"name\":\"stages\",\"_meta\":{\"progressToken\":42}}");
            assertEquals(3, progress.size());
            assertTrue(progress.get(0).get("params").get("progressToken").isIntegralNumber());
        }
    }

    @Test
    void logNotificationsRespectTheSessionLevel() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            List<JsonNode> byDefault = notificationsOf(client, "1", "{\"name\":\"chatty\"}");
            assertEquals(List.of("warning", "error", "critical", "alert", "emergency"),
                    byDefault.stream().map(n -> n.get("params").get("level").asText()).toList());
            assertEquals(json("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":"
                    + "{\"level\":\"warning\",\"logger\":\"pgmcp.test\",\"data\":\"at warning\"}}"), byDefault.get(0));

            assertEquals(json("{}"), result(client.call("logging/setLevel", "{\"level\":\"debug\"}")));
            assertEquals(8, notificationsOf(client, "2", "{\"name\":\"chatty\"}").size());

            result(client.call("logging/setLevel", "{\"level\":\"emergency\"}"));
            assertEquals(1, notificationsOf(client, "3", "{\"name\":\"chatty\"}").size());
        }
    }

    @Test
    void setLevelRejectsAnUnknownLevel() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            assertError(client.call("logging/setLevel", "{\"level\":\"verbose\"}"), -32602);
            assertError(client.call("logging/setLevel", "{\"level\":\"WARNING\"}"), -32602);
            assertError(client.call("logging/setLevel", "{}"), -32602);
            assertError(client.call("logging/setLevel", "{\"level\":3}"), -32602);
        }
    }
}
