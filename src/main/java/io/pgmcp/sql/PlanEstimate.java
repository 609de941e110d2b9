package io.pgmcp.sql;

import io.pgmcp.db.PlanNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What PostgreSQL's planner estimated for a query, read from the plan EXPLAIN printed:
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
     * Reads the estimate out of the top node of a plan (VERBOSE adds the schema of each scanned
     * relation; without it the schema is null).
     *
     * @param plan the top plan node, or null when EXPLAIN printed none
     * @throws IllegalArgumentException when there is no plan
     */
    public static PlanEstimate of(PlanNode plan) {
        if (plan == null) {
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
    public record Node(String type, String relationship, String schema, String relation, double rows,
            double startupCost,
            double totalCost, int workersPlanned, boolean singleCopy, boolean parallelAware, boolean indexCond,
            boolean filter, String strategy, String samplingMethod, String subplanName, Set<String> hashedSubplans,
            List<Node> children) {

        private static final Pattern HASHED = Pattern.compile("hashed (SubPlan \\d+)\\b");

        public Node {
            java.util.Objects.requireNonNull(type, "type");
            hashedSubplans = Set.copyOf(hashedSubplans);
            children = List.copyOf(children);
        }

        static Node of(PlanNode plan) {
            List<Node> children = new ArrayList<>();
            for (PlanNode child : plan.children()) {
                children.add(of(child));
            }
            Set<String> hashed = new TreeSet<>();
            plan.fields().values().forEach(value -> collectHashed(value, hashed));
            plan.lists().values().forEach(values -> values.forEach(value -> collectHashed(value, hashed)));
            String type = plan.field("Node Type");
            return new Node(type == null ? "" : type, plan.field("Parent Relationship"), plan.field("Schema"),
                    plan.field("Relation Name"), required(plan, "Plan Rows"), optional(plan, "Startup Cost"),
                    required(plan, "Total Cost"), (int) optional(plan, "Workers Planned"),
                    "true".equals(plan.field("Single Copy")), "true".equals(plan.field("Parallel Aware")),
                    plan.field("Index Cond") != null, plan.field("Filter") != null, plan.field("Strategy"),
                    plan.field("Sampling Method"), plan.field("Subplan Name"), hashed, children);
        }

        private static void collectHashed(String value, Set<String> hashed) {
            Matcher matcher = HASHED.matcher(value);
            while (matcher.find()) {
                hashed.add(matcher.group(1));
            }
        }

        /**
         * A numeric field every plan node has. Fails closed: a plan whose estimates cannot be read must not pass the
         * policy as a plan that estimates nothing.
         *
         * @throws IllegalArgumentException when the field is absent or not a number
         */
        private static double required(PlanNode plan, String field) {
            String value = plan.field(field);
            if (value == null) {
                throw new IllegalArgumentException("plan node without \"" + field + "\"");
            }
            return parse(field, value);
        }

        /**
         * A numeric field only some nodes have ("Workers Planned" of a Gather), 0 when absent. "Startup Cost" is read so
         * too: 0 is the cautious value (a LIMIT then counts a larger share of its child's rows as read).
         */
        private static double optional(PlanNode plan, String field) {
            String value = plan.field(field);
            return value == null ? 0 : parse(field, value);
        }

        private static double parse(String field, String value) {
            try {
                double number = Double.parseDouble(value);
                if (Double.isNaN(number) || number < 0) {
                    throw new IllegalArgumentException("plan field \"" + field + "\" is " + value);
                }
                return number;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("plan field \"" + field + "\" is not a number: " + value, e);
            }
        }
    }
}
