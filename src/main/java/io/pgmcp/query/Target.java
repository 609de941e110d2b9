package io.pgmcp.query;

import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.db.Database;
import io.pgmcp.sql.AccessPolicy;
import io.pgmcp.sql.SqlGuard;

/** A configured database with everything a call against it needs: its pool and catalog, its policy and its guard. */
public record Target(DatabaseConfig config, Database database, AccessPolicy policy, SqlGuard guard) {
    public String name() {
        return config.name();
    }
}
