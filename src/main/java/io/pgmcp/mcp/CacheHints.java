package io.pgmcp.mcp;

import java.time.Duration;
import java.util.Objects;

/**
 * The caching hints ({@code ttlMs}, {@code cacheScope}) of modern results. Two kinds of result differ:
 * what the server is ({@code server/discover}, {@code tools/list}), which comes from its configuration
 * and is the same for every caller, so {@code public}; and what the resource providers read from the
 * databases ({@code resources/list}, {@code resources/templates/list}, {@code resources/read}), which
 * is {@code private} when {@code catalogPrivate} — set where callers are told apart by credentials
 * (HTTP with bearer tokens), so that a shared cache never hands one caller's answer to a caller with
 * other credentials.
 *
 * @param serverTtl      how long discover and tool lists stay fresh; not negative
 * @param catalogTtl     how long resource lists and contents stay fresh (the schema cache's refresh
 *                       interval); not negative
 * @param catalogPrivate whether resource results are {@code private} rather than {@code public}
 */
public record CacheHints(Duration serverTtl, Duration catalogTtl, boolean catalogPrivate) {

    /** Five minutes for everything, all public. */
    public static final CacheHints DEFAULT = new CacheHints(Duration.ofMinutes(5), Duration.ofMinutes(5), false);

    public CacheHints {
        Objects.requireNonNull(serverTtl, "serverTtl");
        Objects.requireNonNull(catalogTtl, "catalogTtl");
        if (serverTtl.isNegative() || catalogTtl.isNegative()) {
            throw new IllegalArgumentException("cache TTLs must not be negative: serverTtl=" + serverTtl
                    + ", catalogTtl=" + catalogTtl);
        }
    }
}
