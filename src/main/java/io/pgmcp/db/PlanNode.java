package io.pgmcp.db;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One node of the plan {@link Database#explain} returns, with the fields PostgreSQL printed for it,
 * named as its JSON format names them ({@code "Node Type"}, {@code "Plan Rows"}, {@code "Index Cond"}).
 * Immutable.
 *
 * @param fields   the fields with one value, as PostgreSQL's text ({@code "Seq Scan"}, {@code "1000"},
 *                 {@code "true"})
 * @param lists    the fields with a list of values ({@code "Sort Key"}, {@code "Output"}), and groups of
 *                 fields flattened to their values
 * @param children the nodes under this one ({@code "Plans"}), in order
 */
public record PlanNode(Map<String, String> fields, Map<String, List<String>> lists, List<PlanNode> children) {
    public PlanNode {
        fields = Map.copyOf(fields);
        lists = Map.copyOf(lists);
        children = List.copyOf(children);
    }

    /** The value of field {@code name}, or null when the node has none. */
    public String field(String name) {
        return fields.get(Objects.requireNonNull(name, "name"));
    }
}
