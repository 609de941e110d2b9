package io.pgmcp.sql;

import java.util.List;

/**
 * What PostgreSQL's planner estimated for a query, read from {@code EXPLAIN (FORMAT JSON)}.
 *
 * @param rows      the top plan node's estimated rows
 * @param totalCost the top plan node's total cost
 * @param seqScans  the relations read by a Seq Scan node anywhere in the plan
 */
public record PlanEstimate(double rows, double totalCost, List<SeqScan> seqScans) {
    public PlanEstimate {
        seqScans = List.copyOf(seqScans);
    }

    /** A Seq Scan node: the relation name (schema when the plan gives it). */
    public record SeqScan(String schema, String relation) {
    }
}
