package io.pgmcp.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.config.ExplainPolicyConfig;
import io.pgmcp.db.Catalog;
import io.pgmcp.db.TableInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The EXPLAIN policy: too many estimated rows is {@code QUERY_TOO_EXPENSIVE}; a Seq Scan
 * of a table the catalog estimates above {@code large_table_threshold} is {@code SEQ_SCAN_DENIED};
 * a cost above {@code max_estimated_cost} is only a warning. Pure; thread-safe.
 */
public final class ExplainPolicy {

    /** The policy's answer. */
    public sealed interface Decision {
        /** Within the limits; {@code warnings} may note a high cost. */
        record Pass(List<String> warnings) implements Decision {
        }

        /** Over a limit. {@code seqScan} tells SEQ_SCAN_DENIED from QUERY_TOO_EXPENSIVE. */
        record Refuse(boolean seqScan, String message, ObjectNode details) implements Decision {
        }
    }

    private final ExplainPolicyConfig config;

    public ExplainPolicy(ExplainPolicyConfig config) {
        this.config = config;
    }

    public ExplainPolicyConfig config() {
        return config;
    }

    /** Reads the estimate out of {@code EXPLAIN (FORMAT JSON)} output. */
    public static PlanEstimate estimate(JsonNode explain) {
        JsonNode plan = explain.path(0).path("Plan");
        if (plan.isMissingNode()) {
            throw new IllegalArgumentException("EXPLAIN output without a Plan");
        }
        List<PlanEstimate.SeqScan> scans = new ArrayList<>();
        collectSeqScans(plan, scans);
        return new PlanEstimate(plan.path("Plan Rows").asDouble(), plan.path("Total Cost").asDouble(), scans);
    }

    private static void collectSeqScans(JsonNode node, List<PlanEstimate.SeqScan> scans) {
        if ("Seq Scan".equals(node.path("Node Type").asText()) && node.hasNonNull("Relation Name")) {
            scans.add(new PlanEstimate.SeqScan(node.path("Schema").asText(null), node.get("Relation Name").asText()));
        }
        for (JsonNode child : node.path("Plans")) {
            collectSeqScans(child, scans);
        }
    }

    public Decision decide(PlanEstimate estimate, Catalog catalog, List<String> searchPath) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("estimated_rows", estimate.rows());
        details.put("estimated_cost", estimate.totalCost());
        if (estimate.rows() > config.maxEstimatedRows()) {
            details.put("max_estimated_rows", config.maxEstimatedRows());
            return new Decision.Refuse(false, String.format(Locale.ROOT,
                    "The planner estimates %.0f rows, more than the limit of %d. Filter (WHERE on indexed columns), "
                            + "aggregate, or add a LIMIT.", estimate.rows(), config.maxEstimatedRows()), details);
        }
        if (config.denySeqScanOnLargeTables()) {
            for (PlanEstimate.SeqScan scan : estimate.seqScans()) {
                Optional<TableInfo> table = find(scan, catalog, searchPath);
                double tableRows = table.map(TableInfo::rowEstimate).orElse(0.0);
                if (tableRows > config.largeTableThreshold()) {
                    details.put("table", table.get().name());
                    details.put("table_estimated_rows", tableRows);
                    details.put("large_table_threshold", config.largeTableThreshold());
                    List<String> indexed = table.get().indexes().stream().map(i -> String.join(", ", i.columns())).distinct().toList();
                    return new Decision.Refuse(true, String.format(Locale.ROOT,
                            "The plan reads all of %s (about %.0f rows, over the large-table threshold of %d) with a sequential "
                                    + "scan. Filter on an indexed column%s, or aggregate a smaller range.", table.get().name(), tableRows,
                            config.largeTableThreshold(), indexed.isEmpty() ? "" : " (" + String.join("; ", indexed) + ")"), details);
                }
            }
        }
        List<String> warnings = new ArrayList<>();
        if (estimate.totalCost() > config.maxEstimatedCost()) {
            warnings.add(String.format(Locale.ROOT, "Query cost (%.2f) exceeds recommended limit (%.1f)",
                    estimate.totalCost(), config.maxEstimatedCost()));
        }
        return new Decision.Pass(warnings);
    }

    /** The catalog table of a Seq Scan: by schema when given, else the largest of that name on the path. */
    private static Optional<TableInfo> find(PlanEstimate.SeqScan scan, Catalog catalog, List<String> searchPath) {
        if (scan.schema() != null) {
            return catalog.table(scan.schema(), scan.relation());
        }
        Optional<TableInfo> largest = Optional.empty();
        for (String schema : searchPath) {
            Optional<TableInfo> table = catalog.table(schema, scan.relation());
            if (table.isPresent() && (largest.isEmpty() || table.get().rowEstimate() > largest.get().rowEstimate())) {
                largest = table;
            }
        }
        return largest;
    }
}
