package io.pgmcp.config;

import java.time.Duration;
import java.util.Objects;

/**
 * EXPLAIN-based limits: plans estimating more than {@code maxEstimatedRows} rows are rejected, a
 * sequential scan on a table estimated above {@code largeTableThreshold} rows is rejected when
 * {@code denySeqScanOnLargeTables}, and a cost above {@code maxEstimatedCost} only warns. Plans are
 * cached for {@code cacheTtl}, at most {@code cacheMaxSize} of them.
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

    public static ExplainPolicyConfig defaults() {
        return new ExplainPolicyConfig(true, 100_000, 10_000.0, true, 10_000, Duration.ofSeconds(5),
                Duration.ofSeconds(60), 1000);
    }
}
