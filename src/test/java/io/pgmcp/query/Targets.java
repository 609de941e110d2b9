package io.pgmcp.query;

import io.pgmcp.catalog.CatalogHolder;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.RetryConfig;
import io.pgmcp.config.ServerConfig;
import io.pgmcp.db.ConnectionPool;
import io.pgmcp.db.Database;
import io.pgmcp.db.PgConnectionFactory;
import io.pgmcp.db.PoolSettings;
import io.pgmcp.resilience.Sleeper;
import io.pgmcp.resilience.Ticker;
import java.time.Clock;
import java.util.Random;

/** Builds a {@link Target} for tests as the composition root builds one: pool (not yet connected), database, catalog holder. */
public final class Targets {
    private Targets() {}

    /** With the default database retries on the system clocks. */
    public static Target create(DatabaseConfig db, ServerConfig server, CatalogLoader loader, Ticker ticker) {
        return create(db, server, loader, ticker,
                Database.Resilience.of(db.name(), RetryConfig.databaseDefaults(), new Random(),
                        Sleeper.system(), Ticker.system(), Clock.systemUTC()));
    }

    /** With the database's retries and availability tracking. */
    public static Target create(DatabaseConfig db, ServerConfig server, CatalogLoader loader, Ticker ticker,
            Database.Resilience resilience) {
        ConnectionPool pool = new ConnectionPool(PoolSettings.of(db.name(), db.minPoolSize(), db.maxPoolSize()),
                new PgConnectionFactory(db, server.queryTimeout()).withMaxResultBytes(server.maxResultBytes()), ticker);
        Database database = new Database(db.name(), pool, resilience);
        CatalogHolder catalog = new CatalogHolder(database, loader, CatalogHolder.systemSchemas(db), Clock.systemUTC());
        return Target.of(db, database, catalog, ticker);
    }
}
