package io.pgmcp.sql;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What PostgreSQL's planner estimated for a query, read from {@code EXPLAIN (FORMAT JSON)}:
 * the top node's rows and cost and the plan tree with the fields the cost policy judges. Immutable
 * (cached per SQL text); the verdict is computed from it with the catalog of the moment.
 *
 * @param rows      the top plan node's estimated rows
 * @param totalCost the top plan node's total cost
 * @param plan      the plan tree
 */
public record PlanEstimate(double rows, double totalCost, Node plan) {

    public PlanEstimate {
        java.util.Objects.requireNonNull(plan, "plan");
    }

    /**
     * Reads the estimate out of {@code EXPLAIN (FORMAT JSON)} output (VERBOSE adds the schema of each
     * scanned relation; without it the schema is null).
     *
     * @throws IllegalArgumentException when the output holds no plan
     */
    public static PlanEstimate of(JsonNode explain) {
        JsonNode plan = explain.path(0).path("Plan");
        if (!plan.isObject()) {
            throw new IllegalArgumentException("EXPLAIN output without a Plan");
        }
        Node root = Node.of(plan);
        return new PlanEstimate(root.rows(), root.totalCost(), root);
    }

    /**
     * One plan node, as EXPLAIN's JSON names its fields.
     *
     * @param type            "Node Type"
     * @param relationship    "Parent Relationship" (Outer, Inner, InitPlan, SubPlan, Member, ...); null at the top
     * @param schema          "Schema" of the scanned relation (VERBOSE only), else null
     * @param relation        "Relation Name" of a scan, else null
     * @param rows            "Plan Rows": per execution, and per process below a Gather when the node is parallel
     * @param startupCost     "Startup Cost"
     * @param totalCost       "Total Cost"
     * @param workersPlanned  "Workers Planned" of a Gather or Gather Merge, else 0
     * @param singleCopy      "Single Copy" of a Gather: its plan runs in one process only
     * @param parallelAware   "Parallel Aware": the processes below a Gather share this node's work
     * @param indexCond       an index scan with an "Index Cond" (it reads a range, not the whole index)
     * @param filter          a "Filter" discards rows the node has read
     * @param strategy        "Strategy" of an Aggregate or SetOp (Plain, Sorted, Hashed, Mixed), else null
     * @param samplingMethod  "Sampling Method" of a Sample Scan, else null
     * @param subplanName     "Subplan Name" of an InitPlan or SubPlan ("SubPlan 1", "CTE x"), else null
     * @param hashedSubplans  the names of the subplans this node's expressions use as hashed ("hashed SubPlan 1"):
     *                        a hashed subplan runs once, not once per row
     */
    public record Node(String type, String relationship, String schema, String relation, double rows, double startupCost,
                       double totalCost, int workersPlanned, boolean singleCopy, boolean parallelAware, boolean indexCond,
                       boolean filter, String strategy, String samplingMethod, String subplanName, Set<String> hashedSubplans,
                       List<Node> children) {

        private static final Pattern HASHED = Pattern.compile("hashed (SubPlan \\d+)\\b");

        public Node {
            java.util.Objects.requireNonNull(type, "type");
            hashedSubplans = Set.copyOf(hashedSubplans);
            children = List.copyOf(children);
        }

        static Node of(JsonNode json) {
            List<Node> children = new ArrayList<>();
            for (JsonNode child : json.path("Plans")) {
                children.add(of(child));
            }
            Set<String> hashed = new TreeSet<>();
            for (Map.Entry<String, JsonNode> field : json.properties()) {
                if (!field.getKey().equals("Plans")) {
                    collectHashed(field.getValue(), hashed);
                }
            }
            return new Node(json.path("Node Type").asText(""), text(json, "Parent Relationship"), text(json, "Schema"),
                    text(json, "Relation Name"), json.path("Plan Rows").asDouble(), json.path("Startup Cost").asDouble(),
                    json.path("Total Cost").asDouble(), json.path("Workers Planned").asInt(0),
                    json.path("Single Copy").asBoolean(false), json.path("Parallel Aware").asBoolean(false),
                    json.hasNonNull("Index Cond"), json.hasNonNull("Filter"), text(json, "Strategy"),
                    text(json, "Sampling Method"), text(json, "Subplan Name"), hashed, children);
        }

        private static void collectHashed(JsonNode value, Set<String> hashed) {
            if (value.isTextual()) {
                Matcher matcher = HASHED.matcher(value.asText());
                while (matcher.find()) {
                    hashed.add(matcher.group(1));
                }
            } else if (value.isArray()) {
                value.forEach(element -> collectHashed(element, hashed));
            }
        }

        private static String text(JsonNode json, String field) {
            JsonNode value = json.get(field);
            return value == null || value.isNull() ? null : value.asText();
        }
    }
}
