package io.pgmcp.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Expands {@code ${VAR}} and {@code ${VAR:-default}} inside the string scalars of a parsed tree.
 * Expanding after parsing means a value holding {@code :}, {@code #} or a newline can never change the
 * structure of the file. {@code $${} is a literal {@code ${}. The default is used when the variable is
 * unset or empty, as in the shell; it is literal text (no nesting). Expanded scalars are marked
 * coercible, so {@code port: ${PG_PORT}} can become a number. Messages name the variable, never the
 * scalar's text, which may be a password.
 */
final class VariableExpander {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Map<String, String> env;
    private final BindContext ctx;

    VariableExpander(Map<String, String> env, BindContext ctx) {
        this.env = env;
        this.ctx = ctx;
    }

    /** Expands every string scalar under {@code tree} in place. */
    void expand(JsonNode tree) {
        walk(tree, "");
    }

    private void walk(JsonNode node, String path) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.properties().forEach(field -> names.add(field.getKey()));
            for (String name : names) {
                JsonNode replacement = expanded(object.get(name), path.isEmpty() ? name : path + "." + name);
                if (replacement != null) {
                    object.set(name, replacement);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode replacement = expanded(array.get(i), path + "[" + i + "]");
                if (replacement != null) {
                    array.set(i, replacement);
                }
            }
        }
    }

    /** The node to put in place of {@code node}, or null to keep it. */
    private JsonNode expanded(JsonNode node, String path) {
        if (node.isContainerNode()) {
            walk(node, path);
            return null;
        }
        if (!node.isTextual() || node.textValue().indexOf('$') < 0) {
            return null;
        }
        String text = node.textValue();
        StringBuilder out = new StringBuilder(text.length());
        boolean substituted = false;
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                String value = end < 0 ? null : resolve(text.substring(i + 2, end), i, path);
                if (value == null) {
                    if (end < 0) {
                        ctx.error(path, "unterminated ${ at character " + (i + 1) + " (write $${ for a literal ${)");
                    }
                    TextNode failed = new TextNode(text);
                    ctx.markFailed(failed);
                    return failed;
                }
                out.append(value);
                substituted = true;
                i = end + 1;
            } else {
                out.append(text.charAt(i));
                i++;
            }
        }
        TextNode result = new TextNode(out.toString());
        if (substituted) {
            ctx.markCoercible(result);
        }
        return result;
    }

    /** The value for the reference body {@code NAME} or {@code NAME:-default}, or null (reported). */
    private String resolve(String body, int offset, String path) {
        int separator = body.indexOf(":-");
        String name = separator >= 0 ? body.substring(0, separator) : body;
        String fallback = separator >= 0 ? body.substring(separator + 2) : null;
        if (!NAME.matcher(name).matches()) {
            ctx.error(path, "invalid variable reference at character " + (offset + 1)
                    + " (expected ${NAME} or ${NAME:-default}, NAME of letters, digits and _; write $${ for a literal ${)");
            return null;
        }
        if (fallback != null && fallback.contains("${")) {
            ctx.error(path, "the default of ${" + name + ":-...} may not contain another reference");
            return null;
        }
        String value = env.get(name);
        if (value == null || value.isEmpty() && fallback != null) {
            if (fallback == null) {
                ctx.error(path, "environment variable " + name + " is not set (use ${" + name
                        + ":-default} to give a default)");
                return null;
            }
            return fallback;
        }
        return value;
    }
}
