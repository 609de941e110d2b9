package io.pgmcp.observability;

import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * Where the pool gauges of one database read their values, at scrape time: the composition root
 * passes the database's pool statistics, so this package never depends on the database package.
 *
 * @param database  the configured database name (the {@code database} label)
 * @param size      connections open or being opened ({@code pg_mcp_db_pool_size})
 * @param available idle connections ready to lend ({@code pg_mcp_db_pool_available})
 */
public record PoolGauge(String database, IntSupplier size, IntSupplier available) {
    public PoolGauge {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(available, "available");
    }
}
