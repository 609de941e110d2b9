package io.pgmcp.mcp;

import static io.pgmcp.mcp.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DefinitionsTest {

    private static final ObjectNode OBJECT = json("{\"type\":\"object\"}");

    private static ToolDefinition named(String name) {
        return new ToolDefinition(name, null, null, OBJECT, null, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"query", "execute_sql", "refresh-schema", "A9", "x"})
    void acceptsToolNamesOfLettersDigitsUnderscoreAndDash(String name) {
        assertEquals(name, named(name).name());
    }

    @Test
    void acceptsAToolNameOf64Characters() {
        assertEquals(64, named("a".repeat(64)).name().length());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "two words", "dotted.name", "slash/name", "é", "semi;colon"})
    void rejectsInvalidToolNames(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> named(name));
        assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
    }

    @Test
    void rejectsAToolNameOf65CharactersAndNull() {
        assertThrows(IllegalArgumentException.class, () -> named("a".repeat(65)));
        assertThrows(IllegalArgumentException.class, () -> named(null));
    }

    @Test
    void schemasMustBeObjectSchemas() {
        assertThrows(IllegalArgumentException.class, () -> new ToolDefinition("t", null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new ToolDefinition("t", null, null, json("{}"), null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new ToolDefinition("t", null, null, json("{\"type\":\"array\"}"), null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new ToolDefinition("t", null, null, OBJECT, json("{\"type\":[\"object\"]}"), null));
        assertEquals(OBJECT, new ToolDefinition("t", null, null, OBJECT, OBJECT, null).outputSchema());
    }

    @Test
    void definitionDoesNotShareItsSchemas() {
        ObjectNode schema = json("{\"type\":\"object\"}");
        ToolDefinition definition = new ToolDefinition("t", null, null, schema, null, null);
        schema.put("changed", true);
        definition.inputSchema().put("changed too", true);
        assertEquals(OBJECT, definition.inputSchema());
    }

    @Test
    void registryKeepsOrderAndRejectsDuplicateToolNames() {
        Tool a = new TestTool("a", (args, context) -> TestTool.ok("{}"));
        Tool b = new TestTool("b", (args, context) -> TestTool.ok("{}"));
        Registry registry = new Registry().add(b).add(a);
        assertEquals(List.of(b, a), registry.tools());
        assertEquals(List.of("b", "a"), registry.toolDefinitions().stream().map(ToolDefinition::name).toList());
        assertEquals(Optional.of(a), registry.tool("a"));
        assertEquals(Optional.empty(), registry.tool("c"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> registry.add(new TestTool("a", (args, context) -> TestTool.ok("{}"))));
        assertTrue(e.getMessage().contains("Duplicate tool name: a"), e.getMessage());
        assertEquals(2, registry.tools().size());
    }

    @Test
    void logLevelsHaveLowerCaseWireNamesInSeverityOrder() {
        assertEquals(List.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"),
                java.util.Arrays.stream(LogLevel.values()).map(LogLevel::wireName).toList());
        assertEquals(Optional.of(LogLevel.NOTICE), LogLevel.fromWireName("notice"));
        assertEquals(Optional.empty(), LogLevel.fromWireName("Notice"));
    }

    @Test
    void onlyTheOldestProtocolVersionHasBatches() {
        assertTrue(ProtocolVersion.fromWireName("2025-03-26").orElseThrow().supportsBatches());
        assertFalse(ProtocolVersion.fromWireName("2025-06-18").orElseThrow().supportsBatches());
        assertFalse(ProtocolVersion.LATEST.supportsBatches());
        assertEquals("2025-11-25", ProtocolVersion.LATEST.wireName());
        assertEquals(Optional.empty(), ProtocolVersion.fromWireName("2024-11-05"));
    }

    @Test
    void valueRecordsRejectMissingRequiredFields() {
        assertThrows(IllegalArgumentException.class, () -> new ServerInfo(" ", "1", (String) null));
        assertThrows(IllegalArgumentException.class, () -> new ServerInfo("pg-mcp", null, (String) null));
        assertThrows(IllegalArgumentException.class, () -> new ToolResult(null, false));
        assertThrows(IllegalArgumentException.class, () -> new ResourceDefinition("", "n", null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new ResourceDefinition("a://b", null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new ResourceTemplateDefinition(null, "n", null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new ResourceContents("a://b", null, null));
        assertThrows(IllegalArgumentException.class, () -> new ClientInfo(null, "1"));
    }

    @Test
    void jsonRpcExceptionKeepsCodeAndDataButNoStackTrace() {
        JsonRpcException e = new JsonRpcException(-32002, "Resource not found: x", json("{\"uri\":\"x\"}"));
        assertEquals(-32002, e.code());
        assertEquals(json("{\"uri\":\"x\"}"), e.data());
        assertEquals(0, e.getStackTrace().length);
    }
}
