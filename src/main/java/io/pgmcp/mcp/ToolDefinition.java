package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Pattern;

/**
 * A tool as announced in {@code tools/list}. Validates itself; the schemas are copied on
 * construction and on access, so a definition is immutable.
 *
 * @param name         the name clients call the tool by: 1 to 64 characters of {@code [A-Za-z0-9_-]}
 * @param title        a human-readable title, or {@code null}
 * @param description  what the tool does, for the model, or {@code null}
 * @param inputSchema  JSON Schema of the arguments; its {@code type} must be {@code "object"}
 * @param outputSchema JSON Schema of {@code structuredContent}, or {@code null}; if present its
 *                     {@code type} must be {@code "object"}
 * @param annotations  behaviour hints, or {@code null}
 */
public record ToolDefinition(String name, String title, String description, ObjectNode inputSchema,
        ObjectNode outputSchema, ToolAnnotations annotations) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** @throws IllegalArgumentException naming the bad value if the name or a schema is invalid */
    public ToolDefinition {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "Tool name " + quote(name) + " must be 1-64 characters of [A-Za-z0-9_-]");
        }
        if (inputSchema == null) {
            throw new IllegalArgumentException("Tool " + name + " needs an inputSchema");
        }
        requireObjectSchema(name, "inputSchema", inputSchema);
        inputSchema = inputSchema.deepCopy();
        if (outputSchema != null) {
            requireObjectSchema(name, "outputSchema", outputSchema);
            outputSchema = outputSchema.deepCopy();
        }
    }

    /** @return a copy of the input schema */
    @Override
    public ObjectNode inputSchema() {
        return inputSchema.deepCopy();
    }

    /** @return a copy of the output schema, or {@code null} if the tool declares none */
    @Override
    public ObjectNode outputSchema() {
        return outputSchema == null ? null : outputSchema.deepCopy();
    }

    private static void requireObjectSchema(String tool, String which, ObjectNode schema) {
        JsonNode type = schema.get("type");
        if (type == null || !type.isTextual() || !"object".equals(type.textValue())) {
            throw new IllegalArgumentException("Tool " + tool + ": " + which + " must have \"type\":\"object\", not "
                    + (type == null ? "no type" : type.toString()));
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
