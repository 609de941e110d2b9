package io.pgmcp.query;

import io.pgmcp.catalog.Catalog;
import io.pgmcp.sql.AccessPolicy;
import io.pgmcp.sql.ExplainPolicy;
import io.pgmcp.sql.PlanEstimate;
import java.util.Objects;

/**
 * A plan estimate kept for one SQL text ({@link Target#plans()}), with the EXPLAIN policy's decision on it
 * for the catalog, access policy and EXPLAIN policy it was last decided with: the decision is pure, so a
 * call with the same three gets it again instead of walking the plan tree against the catalog. Thread-safe.
 */
public final class CachedPlan {
    private final PlanEstimate estimate;
    private volatile Decided last;

    /** A decision and what it was decided with (compared by identity). */
    private record Decided(ExplainPolicy policy, Catalog catalog, AccessPolicy access,
            ExplainPolicy.Decision decision) {}

    public CachedPlan(PlanEstimate estimate) {
        this.estimate = Objects.requireNonNull(estimate, "estimate");
    }

    public PlanEstimate estimate() {
        return estimate;
    }

    /** {@code policy}'s decision on the estimate; decided again only when one of the three changed. */
    ExplainPolicy.Decision decision(ExplainPolicy policy, Catalog catalog, AccessPolicy access) {
        Decided decided = last;
        if (decided != null && decided.policy() == policy && decided.catalog() == catalog
                && decided.access() == access) {
            return decided.decision();
        }
        ExplainPolicy.Decision decision = policy.decide(estimate, catalog, access);
        last = new Decided(policy, catalog, access, decision);
        return decision;
    }
}
