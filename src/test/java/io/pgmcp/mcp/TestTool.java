package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A tool whose body is a lambda. */
final class TestTool implements Tool {

    @FunctionalInterface
    interface Body {
        ToolResult call(ObjectNode arguments, RequestContext context) throws Exception;
    }

    private final ToolDefinition definition;
    private final Body body;

    TestTool(String name, Body body) {
        this(new ToolDefinition(name, null, "test tool " + name, TestClient.json("{\"type\":\"object\"}"), null, null),
                body);
    }

    TestTool(ToolDefinition definition, Body body) {
        this.definition = definition;
        this.body = body;
    }

    static ToolResult ok(String json) {
        return ToolResult.success(TestClient.json(json));
    }

    @Override
    public ToolDefinition definition() {
        return definition;
    }

    @Override
    public ToolResult call(ObjectNode arguments, RequestContext context) throws Exception {
        return body.call(arguments, context);
    }
}
