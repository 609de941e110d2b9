package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The outcome of a tool call. On the wire it becomes {@code {"content":[{"type":"text","text":T}],
 * "structuredContent":S,"isError":E}} where {@code T} is the compact JSON of {@code S}.
 *
 * <p>The structured content is not copied: the tool hands it over and must not change it later.
 *
 * @param structuredContent the result body; never null
 * @param isError           whether the call failed (a tool-level error the model may correct)
 */
public record ToolResult(ObjectNode structuredContent, boolean isError) {

    /** @throws IllegalArgumentException if {@code structuredContent} is null */
    public ToolResult {
        if (structuredContent == null) {
            throw new IllegalArgumentException("a tool result needs structuredContent");
        }
    }

    /** @return a successful result carrying {@code structuredContent} */
    public static ToolResult success(ObjectNode structuredContent) {
        return new ToolResult(structuredContent, false);
    }

    /** @return a failed result carrying {@code structuredContent} */
    public static ToolResult error(ObjectNode structuredContent) {
        return new ToolResult(structuredContent, true);
    }
}
