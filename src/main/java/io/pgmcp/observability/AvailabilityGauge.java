package io.pgmcp.observability;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Where the availability metrics of one database read their values, at scrape time: the composition
 * root passes the database's availability state, so this package never depends on the database
 * package.
 *
 * @param database the configured database name (the {@code database} label)
 * @param up       whether calls may go to the database now ({@code pg_mcp_database_up}, 1 or 0)
 * @param outages  how often it has gone down since start-up ({@code pg_mcp_database_outages_total})
 */
public record AvailabilityGauge(String database, BooleanSupplier up, LongSupplier outages) {
    public AvailabilityGauge {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(up, "up");
        Objects.requireNonNull(outages, "outages");
    }
}
