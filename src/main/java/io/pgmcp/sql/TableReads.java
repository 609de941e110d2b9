package io.pgmcp.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The planner's estimate of the rows a plan reads from each table: the work the cost policy judges,
 * whatever access path the planner chose. Every node is charged {@code executions × rows read per
 * execution × the share of its output its consumer pulls}:
 *
 * <ul>
 *   <li><b>Rows read per execution.</b> A walk of the table (Seq Scan, Tid Range Scan, Sample Scan
 *       SYSTEM, an Index or Index Only Scan without an Index Cond — e.g. used only for ORDER BY)
 *       reads its Plan Rows, or the whole table when a Filter discards rows (the rows it reads are
 *       not in plain EXPLAIN). An index range (Index Cond) or Tid Scan reads its Plan Rows. A Bitmap
 *       Heap Scan reads the rows of its bitmap (Bitmap Index Scan rows; BitmapAnd the least,
 *       BitmapOr the sum of its children). Sample Scan BERNOULLI, Foreign Scan and any other scan of a
 *       relation read the whole table.</li>
 *   <li><b>Share pulled.</b> A Limit pulls the part of its child's run that PostgreSQL costed for it
 *       ({@code (Limit total cost - child startup cost) / (child total cost - child startup cost)},
 *       which counts OFFSET too); shares compound down the tree. A blocking node consumes all of its
 *       input whatever is pulled from it: Sort, Hash, WindowAgg, Recursive Union, an Aggregate or SetOp
 *       that is not Sorted, and any node type not listed as streaming. A bitmap is built in full.
 *       Streaming nodes (Sorted Aggregate, Group, Unique, Incremental Sort, Append, Merge Append,
 *       joins' outer sides, Merge Join's both sides, Gather, Gather Merge, Subquery Scan, Result,
 *       ProjectSet, Memoize, Materialize) pass the share on.</li>
 *   <li><b>Executions.</b> A Nested Loop runs its inner side once per outer row pulled (a Materialize
 *       there runs its child once); a Hash Join's Hash is built once per join run; a SubPlan runs once
 *       per row its node reads or returns (once when hashed), an InitPlan — CTEs included — once, in
 *       full. Below a Gather with W planned workers every node runs in W + 1 processes; a parallel-aware
 *       scan shares one execution among them, its per-process Plan Rows multiplied by PostgreSQL's
 *       divisor {@code W + max(0, 1 - 0.3 W)}.</li>
 * </ul>
 *
 * Memoize cache hits, Merge Join's early stop and a semi join's first-match stop are not credited:
 * the estimate errs towards reading more. Pure; thread-safe.
 */
final class TableReads {

    /** A scanned relation; {@code schema} is null when the plan does not give it (EXPLAIN without VERBOSE). */
    record Relation(String schema, String name) {}

    /**
     * What a plan reads from one relation.
     *
     * @param rows      estimated rows read, all accesses of the plan together
     * @param tableRows the relation's estimated size: the catalog's, or more when the plan saw more
     * @param walked    some access walks the table rather than reading an index range or bitmap
     */
    record Read(Relation relation, double rows, double tableRows, boolean walked) {}

    /** The node types that pass the share pulled from them on to their children. */
    private static final Set<String> STREAMING = Set.of("Limit", "Nested Loop", "Hash Join", "Merge Join", "Group",
            "Unique",
            "Incremental Sort", "Append", "Merge Append", "Gather", "Gather Merge", "Subquery Scan", "Result",
            "ProjectSet",
            "Memoize", "Materialize", "LockRows");

    private enum Access {
        WALK, RANGE, BITMAP, WHOLE
    }

    /** Where a node runs: how often, how much of its output is pulled, and its parallel setting. */
    private record Context(double loops, double share, int processes, double divisor) {
        Context with(double newLoops, double newShare) {
            return new Context(newLoops, newShare, processes, divisor);
        }
    }

    private final ToDoubleFunction<Relation> catalogRows;
    private final Map<Relation, Double> sizeSeen = new HashMap<>();
    private final Map<Relation, double[]> reads = new LinkedHashMap<>();
    private final Map<Relation, Boolean> walked = new HashMap<>();

    private TableReads(ToDoubleFunction<Relation> catalogRows) {
        this.catalogRows = catalogRows;
    }

    /**
     * The reads of {@code plan}, one per relation, in plan order.
     *
     * @param catalogRows a relation's estimated rows from the catalog; 0 or less when unknown
     */
    static List<Read> of(PlanEstimate.Node plan, ToDoubleFunction<Relation> catalogRows) {
        TableReads reads = new TableReads(catalogRows);
        reads.collectSizes(plan, 1.0);
        reads.visit(plan, new Context(1.0, 1.0, 1, 1.0));
        List<Read> result = new ArrayList<>(reads.reads.size());
        reads.reads.forEach((relation, rows) -> result.add(new Read(relation, rows[0], reads.tableRows(relation),
                reads.walked.getOrDefault(relation, false))));
        return result;
    }

    /** The relation's size: the catalog's estimate, or the most rows one execution of a scan of it returns. */
    private double tableRows(Relation relation) {
        return Math.max(Math.max(0.0, catalogRows.applyAsDouble(relation)), sizeSeen.getOrDefault(relation, 0.0));
    }

    private void collectSizes(PlanEstimate.Node node, double divisor) {
        if (node.relation() != null) {
            double rows = node.rows() * (node.parallelAware() ? divisor : 1.0);
            if (access(node) == Access.BITMAP) {
                rows = Math.max(rows, bitmapRows(node));
            }
            sizeSeen.merge(relation(node), rows, Math::max);
        }
        double childDivisor = isGather(node) && !node.singleCopy() ? parallelDivisor(node.workersPlanned()) : divisor;
        for (PlanEstimate.Node child : node.children()) {
            collectSizes(child, childDivisor);
        }
    }

    private void visit(PlanEstimate.Node node, Context context) {
        // rows this node handles in one execution (in one process): how often a SubPlan in it runs
        double handled = node.rows() * context.share();
        if (node.relation() != null) {
            handled = charge(node, context);
        }
        PlanEstimate.Node outer = child(node, "Outer");
        for (PlanEstimate.Node child : node.children()) {
            String relationship = child.relationship() == null ? "" : child.relationship();
            switch (relationship) {
                case "InitPlan" -> visit(child, context.with(context.loops(), 1.0));
                case "SubPlan" -> {
                    boolean hashed = child.subplanName() != null && node.hashedSubplans().contains(child.subplanName());
                    visit(child,
                            context.with(hashed ? context.loops() : context.loops() * Math.max(1.0, handled), 1.0));
                }
                default -> visit(child, childContext(node, child, outer, context));
            }
        }
    }

    private Context childContext(PlanEstimate.Node node, PlanEstimate.Node child, PlanEstimate.Node outer,
            Context context) {
        String type = node.type();
        boolean inner = "Inner".equals(child.relationship());
        if (type.equals("Limit")) {
            return context.with(context.loops(), context.share() * limitShare(node, child));
        }
        if (type.equals("Nested Loop") && inner) {
            if (child.type().equals("Materialize")) {
                return context.with(context.loops(), 1.0); // its child runs once; rescans replay the tuplestore
            }
            double outerRows = outer == null ? 1.0 : outer.rows() * context.share();
            return context.with(context.loops() * Math.max(1.0, outerRows), 1.0);
        }
        if (type.equals("Hash Join") && inner) {
            return context.with(context.loops(), 1.0);
        }
        if (isGather(node) && !node.singleCopy()) {
            int processes = node.workersPlanned() + 1;
            return new Context(context.loops() * processes, context.share(), processes,
                    parallelDivisor(node.workersPlanned()));
        }
        if (type.equals("Recursive Union") && inner) {
            return context.with(context.loops() * 10, 1.0); // PostgreSQL's own guess: ten iterations
        }
        boolean sorted = "Sorted".equals(node.strategy());
        if (STREAMING.contains(type) || (type.equals("Aggregate") || type.equals("SetOp")) && sorted) {
            return context;
        }
        return context.with(context.loops(), 1.0);
    }

    /** Charges a scan to its relation; answers the rows one execution reads in one process. */
    private double charge(PlanEstimate.Node node, Context context) {
        Relation relation = relation(node);
        boolean shared = node.parallelAware() && context.processes() > 1;
        double planRows = node.rows() * (shared ? context.divisor() : 1.0);
        Access access = access(node);
        double perExecution = switch (access) {
            case WALK -> (node.filter() ? Math.max(tableRows(relation), planRows) : planRows) * context.share();
            case RANGE -> planRows * context.share();
            case BITMAP -> bitmapRows(node);
            case WHOLE -> Math.max(tableRows(relation), planRows);
        };
        // a parallel-aware scan is one execution shared by the processes of its Gather
        double executions = shared ? context.loops() / context.processes() : context.loops();
        reads.computeIfAbsent(relation, r -> new double[1])[0] += perExecution * executions;
        if (access == Access.WALK || access == Access.WHOLE) {
            walked.put(relation, true);
        }
        return shared ? perExecution / context.processes() : perExecution;
    }

    private static Access access(PlanEstimate.Node node) {
        return switch (node.type()) {
            case "Seq Scan", "Tid Range Scan" -> Access.WALK;
            case "Sample Scan" -> "bernoulli".equalsIgnoreCase(node.samplingMethod()) ? Access.WHOLE : Access.WALK;
            case "Index Scan", "Index Only Scan" -> node.indexCond() ? Access.RANGE : Access.WALK;
            case "Tid Scan" -> Access.RANGE;
            case "Bitmap Heap Scan" -> Access.BITMAP;
            default -> Access.WHOLE;
        };
    }

    /** The rows of a Bitmap Heap Scan's bitmap; its Plan Rows when it has no bitmap child. */
    private static double bitmapRows(PlanEstimate.Node heapScan) {
        PlanEstimate.Node bitmap = child(heapScan, "Outer");
        return bitmap == null ? heapScan.rows() : bitmapNodeRows(bitmap);
    }

    private static double bitmapNodeRows(PlanEstimate.Node node) {
        return switch (node.type()) {
            case "BitmapAnd" ->
                node.children().stream().mapToDouble(TableReads::bitmapNodeRows).min().orElse(node.rows());
            case "BitmapOr" -> node.children().stream().mapToDouble(TableReads::bitmapNodeRows).sum();
            default -> node.rows();
        };
    }

    /** The part of its child's run a Limit pulls, as PostgreSQL costed it (OFFSET included). */
    private static double limitShare(PlanEstimate.Node limit, PlanEstimate.Node child) {
        double run = child.totalCost() - child.startupCost();
        if (!(run > 0)) {
            return 1.0;
        }
        double share = (limit.totalCost() - child.startupCost()) / run;
        return Double.isNaN(share) ? 1.0 : Math.min(1.0, Math.max(0.0, share));
    }

    /** PostgreSQL's parallel divisor with the leader participating (get_parallel_divisor). */
    static double parallelDivisor(int workers) {
        return workers + Math.max(0.0, 1.0 - 0.3 * workers);
    }

    private static boolean isGather(PlanEstimate.Node node) {
        return node.type().equals("Gather") || node.type().equals("Gather Merge");
    }

    private static PlanEstimate.Node child(PlanEstimate.Node node, String relationship) {
        for (PlanEstimate.Node child : node.children()) {
            if (relationship.equals(child.relationship())) {
                return child;
            }
        }
        return null;
    }

    private static Relation relation(PlanEstimate.Node node) {
        return new Relation(node.schema(), node.relation());
    }
}
