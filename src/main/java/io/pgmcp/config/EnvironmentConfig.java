package io.pgmcp.config;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Env-only mode: turns {@code PG_MCP_DATABASE_*}, {@code PG_MCP_OPENAI_*}, {@code PG_MCP_SERVER_*},
 * {@code PG_MCP_RATE_LIMIT_*} and {@code PG_MCP_METRICS_*} variables into the tree a config file would
 * have ({@code PG_MCP_SERVER_MAX_RESULT_ROWS} becomes {@code server.max_result_rows},
 * {@code PG_MCP_METRICS_ENABLED} {@code observability.metrics.enabled}), so one binder checks both;
 * every value is text that may be coerced, and errors name the variable. Empty variables count as
 * unset. Any other {@code PG_MCP_} variable is an error, to catch typos.
 */
final class EnvironmentConfig {
    static final String NO_CONFIGURATION = "no configuration: pass --config FILE, set PG_MCP_CONFIG, or set"
            + " PG_MCP_DATABASE_URL (or PG_MCP_DATABASE_HOST and PG_MCP_DATABASE_DBNAME)";

    private static final String PREFIX = "PG_MCP_";
    /** Read by others: the config path (by Main), JVM options (by the launchers), the tests' server. */
    private static final Set<String> NOT_OURS = Set.of("PG_MCP_CONFIG", "PG_MCP_JAVA_OPTS", "PG_MCP_TEST_URL");
    /** Variable prefix to the section its keys belong in (dotted: nested mappings). */
    private static final Map<String, String> SECTIONS = Map.of(
            "PG_MCP_DATABASE_", "databases[0]",
            "PG_MCP_OPENAI_", "openai",
            "PG_MCP_SERVER_", "server",
            "PG_MCP_RATE_LIMIT_", "rate_limit",
            "PG_MCP_METRICS_", "observability.metrics");

    /** One variable's place in the tree: its section and key. */
    private record Place(String section, String key) {
        String path() {
            return section + "." + key;
        }
    }

    /** Key path to variable name, and key path to value, in variable-name order. */
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<Place, String> values = new LinkedHashMap<>();
    private final List<String> errors = new ArrayList<>();

    EnvironmentConfig(Map<String, String> env) {
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String variable = e.getKey();
            if (!variable.startsWith(PREFIX) || NOT_OURS.contains(variable) || e.getValue().isEmpty()) {
                continue;
            }
            Place place = placeOf(variable);
            if (place == null) {
                errors.add(variable + ": unknown environment variable (pg-mcp reads PG_MCP_CONFIG, PG_MCP_DATABASE_*,"
                        + " PG_MCP_OPENAI_*, PG_MCP_SERVER_*, PG_MCP_RATE_LIMIT_* and PG_MCP_METRICS_*)");
            } else {
                sources.put(place.path(), variable);
                values.put(place, e.getValue());
            }
        }
        String fallbackKey = env.get("OPENAI_API_KEY");
        Place apiKey = new Place("openai", "api_key");
        if (!values.containsKey(apiKey) && fallbackKey != null && !fallbackKey.isEmpty()) {
            sources.put(apiKey.path(), "OPENAI_API_KEY");
            values.put(apiKey, fallbackKey);
        }
    }

    /** Whether any database variable is set; without one there is no configuration at all. */
    boolean configuresDatabase() {
        return values.keySet().stream().anyMatch(place -> place.section().equals("databases[0]"));
    }

    /** Key path to the variable it came from, for error messages. */
    Map<String, String> sources() {
        return sources;
    }

    /** Unknown {@code PG_MCP_} variables. */
    List<String> errors() {
        return List.copyOf(errors);
    }

    /** The tree a config file with these values would parse to; every value marked coercible in {@code ctx}. */
    ObjectNode tree(BindContext ctx) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<Place, String> e : values.entrySet()) {
            Place place = e.getKey();
            ObjectNode parent = root;
            if (place.section().equals("databases[0]")) {
                parent = database(root);
            } else {
                for (String name : place.section().split("\\.")) {
                    parent = parent.withObjectProperty(name);
                }
            }
            TextNode value = new TextNode(e.getValue());
            ctx.markCoercible(value);
            parent.set(place.key(), value);
        }
        return root;
    }

    private static ObjectNode database(ObjectNode root) {
        if (!root.has("databases")) {
            root.putArray("databases").addObject();
        }
        return (ObjectNode) root.get("databases").get(0);
    }

    private static Place placeOf(String variable) {
        for (Map.Entry<String, String> section : SECTIONS.entrySet()) {
            if (variable.startsWith(section.getKey()) && variable.length() > section.getKey().length()) {
                return new Place(section.getValue(),
                        variable.substring(section.getKey().length()).toLowerCase(Locale.ROOT));
            }
        }
        return null;
    }
}
