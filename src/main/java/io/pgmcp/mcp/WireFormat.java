package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;

/** Encodes the MCP value types as their wire JSON, omitting absent members. */
final class WireFormat {

    private WireFormat() {}

    static ObjectNode initializeResult(ProtocolVersion version, ServerInfo server) {
        ObjectNode result = JsonRpc.object();
        result.put("protocolVersion", version.wireName());
        result.set("capabilities", capabilities());
        result.set("serverInfo", implementation(server));
        putIfPresent(result, "instructions", server.instructions().get());
        return result;
    }

    /**
     * The {@code server/discover} result without the parts every modern result gets
     * ({@code resultType}, caching hints, {@code _meta} serverInfo): the revisions we speak, newest
     * first, the capabilities (as {@code initialize} has them) and the instructions.
     */
    static ObjectNode discoverResult(ServerInfo server) {
        ObjectNode result = JsonRpc.object();
        ProtocolVersion.wireNamesNewestFirst().forEach(result.putArray("supportedVersions")::add);
        result.set("capabilities", capabilities());
        putIfPresent(result, "instructions", server.instructions().get());
        return result;
    }

    /** What the server offers, the same in both eras. */
    static ObjectNode capabilities() {
        ObjectNode capabilities = JsonRpc.object();
        capabilities.putObject("tools").put("listChanged", false);
        capabilities.putObject("resources");
        capabilities.putObject("completions");
        capabilities.putObject("logging");
        return capabilities;
    }

    /** An MCP {@code Implementation}: the server's name and version. */
    static ObjectNode implementation(ServerInfo server) {
        ObjectNode implementation = JsonRpc.object();
        implementation.put("name", server.name());
        implementation.put("version", server.version());
        return implementation;
    }

    /** Adds {@code ttlMs} (whole milliseconds) and {@code cacheScope} to a cacheable result. */
    static void putCacheHints(ObjectNode result, java.time.Duration ttl, boolean privateScope) {
        result.put("ttlMs", ttl.toMillis());
        result.put("cacheScope", privateScope ? "private" : "public");
    }

    static ObjectNode tool(ToolDefinition definition) {
        ObjectNode tool = JsonRpc.object();
        tool.put("name", definition.name());
        putIfPresent(tool, "title", definition.title());
        putIfPresent(tool, "description", definition.description());
        tool.set("inputSchema", definition.inputSchema());
        ObjectNode outputSchema = definition.outputSchema();
        if (outputSchema != null) {
            tool.set("outputSchema", outputSchema);
        }
        ObjectNode annotations = annotations(definition.annotations());
        if (annotations != null) {
            tool.set("annotations", annotations);
        }
        return tool;
    }

    /**
     * The result of {@code tools/call}. The structured content is serialised once: its compact JSON is the
     * text block, and the same characters are written again as the {@code structuredContent} value, raw,
     * instead of walking the tree a second time (the bytes are those the tree would give).
     */
    static ObjectNode toolResult(ToolResult result) {
        String json = JsonRpc.write(result.structuredContent());
        ObjectNode wire = JsonRpc.object();
        wire.putArray("content").addObject()
                .put("type", "text")
                .put("text", json);
        wire.putRawValue("structuredContent", new RawValue(json));
        wire.put("isError", result.isError());
        return wire;
    }

    static ObjectNode resource(ResourceDefinition definition) {
        return described("uri", definition.uri(), definition.name(), definition.title(), definition.description(),
                definition.mimeType());
    }

    static ObjectNode template(ResourceTemplateDefinition definition) {
        return described("uriTemplate", definition.uriTemplate(), definition.name(), definition.title(),
                definition.description(), definition.mimeType());
    }

    /** A resource or template entry: its address under {@code addressKey}, then name and the optional fields. */
    private static ObjectNode described(String addressKey, String address, String name, String title,
            String description,
            String mimeType) {
        ObjectNode entry = JsonRpc.object();
        entry.put(addressKey, address);
        entry.put("name", name);
        putIfPresent(entry, "title", title);
        putIfPresent(entry, "description", description);
        putIfPresent(entry, "mimeType", mimeType);
        return entry;
    }

    static ObjectNode completion(Completion completion) {
        ObjectNode result = JsonRpc.object();
        ObjectNode wire = result.putObject("completion");
        completion.values().forEach(wire.putArray("values")::add);
        wire.put("total", completion.total());
        wire.put("hasMore", completion.hasMore());
        return result;
    }

    static ObjectNode contents(ResourceContents contents) {
        ObjectNode wire = JsonRpc.object();
        wire.put("uri", contents.uri());
        putIfPresent(wire, "mimeType", contents.mimeType());
        wire.put("text", contents.text());
        return wire;
    }

    /** @return the annotations object, or {@code null} when there is no hint to send */
    private static ObjectNode annotations(ToolAnnotations annotations) {
        if (annotations == null) {
            return null;
        }
        ObjectNode wire = JsonRpc.object();
        putIfPresent(wire, "readOnlyHint", annotations.readOnlyHint());
        putIfPresent(wire, "destructiveHint", annotations.destructiveHint());
        putIfPresent(wire, "idempotentHint", annotations.idempotentHint());
        putIfPresent(wire, "openWorldHint", annotations.openWorldHint());
        return wire.isEmpty() ? null : wire;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void putIfPresent(ObjectNode node, String field, Boolean value) {
        if (value != null) {
            node.put(field, value.booleanValue());
        }
    }
}
