package io.pgmcp.config;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * EXPLAIN-based limits: plans estimating more than {@code maxEstimatedRows} result rows are rejected;
 * when {@code denySeqScanOnLargeTables}, a plan estimated to read more than {@code largeTableThreshold}
 * rows from one table estimated above {@code largeTableThreshold} rows (a large table) is rejected,
 * whatever the access path; a cost above {@code maxEstimatedCost} only warns. Plans are cached for
 * {@code cacheTtl}, at most {@code cacheMaxSize} of them.
 */
public record ExplainPolicyConfig(boolean enabled, long maxEstimatedRows, double maxEstimatedCost,
        boolean denySeqScanOnLargeTables, long largeTableThreshold, Duration timeout, Duration cacheTtl,
        int cacheMaxSize) {

    public ExplainPolicyConfig {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(cacheTtl, "cacheTtl");
        if (maxEstimatedRows < 1 || maxEstimatedCost <= 0 || largeTableThreshold < 1 || cacheMaxSize < 1
                || !timeout.isPositive() || !cacheTtl.isPositive()) {
            throw new IllegalArgumentException("EXPLAIN policy limits, timeout and cache settings must be positive");
        }
    }

    /** The large-table threshold when reads of large tables are limited (the policy enabled and denying them). */
    public OptionalLong largeTableLimit() {
        return enabled && denySeqScanOnLargeTables ? OptionalLong.of(largeTableThreshold) : OptionalLong.empty();
    }

    public static ExplainPolicyConfig defaults() {
        return new ExplainPolicyConfig(true, 100_000, 10_000.0, true, 10_000, Duration.ofSeconds(5),
                Duration.ofSeconds(60), 1000);
    }
}
