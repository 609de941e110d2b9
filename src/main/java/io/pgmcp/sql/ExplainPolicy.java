package io.pgmcp.sql;

import io.pgmcp.config.ExplainPolicyConfig;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.TableInfo;
import io.pgmcp.db.PlanNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The EXPLAIN policy, judging the work a plan does rather than its shape:
 *
 * <ul>
 *   <li>more than {@code max_estimated_rows} estimated result rows is {@code QUERY_TOO_EXPENSIVE};</li>
 *   <li>with {@code deny_seq_scan_on_large_tables}, a plan estimated to read more than
 *       {@code large_table_threshold} rows from one large table — a table estimated above
 *       {@code large_table_threshold} rows — is {@code SEQ_SCAN_DENIED}, whatever the access path
 *       (rows read: see {@link TableReads});</li>
 *   <li>a cost above {@code max_estimated_cost} is only a warning.</li>
 * </ul>
 *
 * A refusal says what to change in the query and which key an operator would change. It names a
 * table, and the indexed columns to filter on, only as the access policy lets them be seen; a table
 * the caller cannot see (under a view) is "a large table behind this query", without its size. Pure;
 * thread-safe.
 */
public final class ExplainPolicy {

    /** The policy's answer. */
    public sealed interface Decision {
        /** Within the limits; {@code warnings} may note a high cost. */
        record Pass(List<String> warnings) implements Decision {}

        /** Over a limit. {@code seqScan} tells SEQ_SCAN_DENIED from QUERY_TOO_EXPENSIVE. */
        record Refuse(boolean seqScan, String message, RefusalDetails details) implements Decision {}
    }

    private static final String OPERATOR_HINT = " An operator can raise explain_policy.large_table_threshold or set "
            + "explain_policy.deny_seq_scan_on_large_tables: false.";
    private static final String LIMIT_HINT = "add a LIMIT (with ORDER BY, if any, on an indexed column)";

    private final ExplainPolicyConfig config;

    public ExplainPolicy(ExplainPolicyConfig config) {
        this.config = config;
    }

    public ExplainPolicyConfig config() {
        return config;
    }

    /**
     * Reads the estimate out of the top node of a plan ({@code Database.explain}).
     *
     * @throws IllegalArgumentException when there is no plan (null)
     */
    public static PlanEstimate estimate(PlanNode plan) {
        return PlanEstimate.of(plan);
    }

    /**
     * The verdict on a plan.
     *
     * @param catalog the database's whole catalog (table sizes; views may read tables the caller cannot see)
     * @param access  the access policy: what a refusal may name
     */
    public Decision decide(PlanEstimate estimate, Catalog catalog, AccessPolicy access) {
        if (estimate.rows() > config.maxEstimatedRows()) {
            RefusalDetails details = new RefusalDetails.TooManyRows(estimate.rows(), estimate.totalCost(),
                    config.maxEstimatedRows());
            return new Decision.Refuse(false, String.format(Locale.ROOT,
                    "The planner estimates %,.0f result rows, more than the limit of %,d (explain_policy.max_estimated_rows). "
                            + "Filter (WHERE on indexed columns), aggregate, or add a LIMIT.",
                    estimate.rows(),
                    config.maxEstimatedRows()), details);
        }
        if (config.denySeqScanOnLargeTables()) {
            long threshold = config.largeTableThreshold();
            Optional<TableReads.Read> worst = TableReads
                    .of(estimate.plan(), r -> table(catalog, r).map(TableInfo::rowEstimate)
                            .orElse(0.0))
                    .stream()
                    .filter(read -> read.tableRows() > threshold && read.rows() > threshold)
                    .max(Comparator.comparingDouble(TableReads.Read::rows));
            if (worst.isPresent()) {
                return refuseLargeRead(worst.get(), estimate, catalog, access);
            }
        }
        List<String> warnings = new ArrayList<>();
        if (estimate.totalCost() > config.maxEstimatedCost()) {
            warnings.add(String.format(Locale.ROOT, "Query cost (%.2f) exceeds recommended limit (%.1f)",
                    estimate.totalCost(), config.maxEstimatedCost()));
        }
        return new Decision.Pass(warnings);
    }

    private Decision refuseLargeRead(TableReads.Read read, PlanEstimate estimate, Catalog catalog,
            AccessPolicy access) {
        long threshold = config.largeTableThreshold();
        Optional<TableInfo> visible = table(catalog, read.relation())
                .flatMap(t -> access.visible(catalog).table(t.schema(), t.name()));
        if (visible.isEmpty()) {
            // a table behind a view the caller may not see: neither its name nor its size
            return new Decision.Refuse(true, String.format(Locale.ROOT,
                    "The plan reads more than %,d rows of a large table behind this query, the most it may read from a large "
                            + "table (explain_policy.large_table_threshold). Filter on indexed columns, or %s.%s",
                    threshold,
                    LIMIT_HINT, OPERATOR_HINT), new RefusalDetails.HiddenLargeTableRead(estimate.rows(), threshold));
        }
        TableInfo table = visible.get();
        List<String> indexed = table.indexedColumns();
        String change;
        if (indexed.isEmpty()) {
            change = "It has no index on a column you may read: add a LIMIT without ORDER BY.";
        } else if (read.walked()) {
            change = "Filter on an indexed column you may read (" + String.join(", ", indexed) + "), or " + LIMIT_HINT
                    + ".";
        } else {
            change = "Narrow the range of the indexed filter, filter on a more selective indexed column you may read ("
                    + String.join(", ", indexed) + "), or " + LIMIT_HINT + ".";
        }
        return new Decision.Refuse(true, String.format(Locale.ROOT,
                "The plan reads about %,d rows of %s, a large table (about %,d rows); at most %,d rows may be read from a "
                        + "large table (explain_policy.large_table_threshold). %s%s",
                Math.round(read.rows()),
                table.qualifiedName(), Math.round(read.tableRows()), threshold, change, OPERATOR_HINT),
                new RefusalDetails.LargeTableRead(estimate.rows(), threshold, estimate.totalCost(),
                        Math.round(read.rows()),
                        table.qualifiedName(), Math.round(read.tableRows()), indexed));
    }

    /**
     * The catalog table a plan reads: by schema when the plan gives it (EXPLAIN VERBOSE), else the
     * largest of that name in any schema — a view may read a table outside the search path, and the
     * largest errs towards refusing; when it is one the caller cannot see, the refusal names none.
     */
    private static Optional<TableInfo> table(Catalog catalog, TableReads.Relation relation) {
        if (relation.schema() != null) {
            return catalog.table(relation.schema(), relation.name());
        }
        return catalog.relations().stream().filter(t -> t.name().equals(relation.name()))
                .max(Comparator.comparingDouble(TableInfo::rowEstimate));
    }
}
