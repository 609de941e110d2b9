package io.pgmcp.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * State shared by one load: the errors found so far, which tree nodes came from variable expansion or
 * the environment (and so may be coerced from text), which failed expansion (already reported), the
 * environment variable behind each key path (env-only mode), and every {@link ConfigNode} created, so
 * unknown keys can be reported once binding is done. Not thread-safe; one per load.
 */
final class BindContext {
    private final List<String> errors = new ArrayList<>();
    private final Set<JsonNode> textual = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<JsonNode> failed = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<String, String> sources;
    private final List<ConfigNode> nodes = new ArrayList<>();

    /** @param sources key path to the environment variable it came from; empty for a file */
    BindContext(Map<String, String> sources) {
        this.sources = Map.copyOf(sources);
    }

    void error(String path, String message) {
        errors.add(label(path) + message);
    }

    List<String> errors() {
        return List.copyOf(errors);
    }

    /** How many errors were found so far: a reader compares it before and after binding a part. */
    int errorCount() {
        return errors.size();
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** Marks a text node whose value came from a variable, so it may stand for a number or boolean. */
    void markCoercible(JsonNode node) {
        textual.add(node);
    }

    boolean isCoercible(JsonNode node) {
        return textual.contains(node);
    }

    /** Marks a node whose expansion failed; its error is reported, so readers skip it silently. */
    void markFailed(JsonNode node) {
        failed.add(node);
    }

    boolean isFailed(JsonNode node) {
        return failed.contains(node);
    }

    void register(ConfigNode node) {
        nodes.add(node);
    }

    void reportUnknownKeys() {
        for (ConfigNode node : nodes) {
            node.reportUnknownKeys();
        }
    }

    private String label(String path) {
        String variable = sources.get(path);
        if (variable != null) {
            return variable + " (" + path + "): ";
        }
        return path.isEmpty() ? "" : path + ": ";
    }
}
