package io.pgmcp.cli;

import io.pgmcp.config.ConfigException;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.db.Catalog;
import io.pgmcp.db.CatalogLoader;
import io.pgmcp.db.PgConnectionFactory;
import io.pgmcp.db.SqlFailure;
import io.pgmcp.sql.AccessPolicy;
import io.pgmcp.sql.LeastPrivilegeGrants;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --print-grants [DB]}: connects to the database, reads its schema and prints the SQL of a
 * least-privilege role for its access policy (see {@link LeastPrivilegeGrants}). Exit 0 when
 * printed, 1 when the configuration or the connection fails.
 */
public final class GrantsCommand {
    private final ConfigSource source;
    private final String database;

    /** @param database the database name, or empty for the only configured one */
    public GrantsCommand(ConfigSource source, String database) {
        this.source = source;
        this.database = database;
    }

    public int run(PrintStream out, PrintStream err) {
        PgMcpConfig config;
        try {
            config = source.load().config();
        } catch (ConfigException e) {
            e.errors().forEach(error -> err.println("ERROR: " + error));
            return 1;
        }
        Optional<DatabaseConfig> db = database.isEmpty() && config.databases().size() == 1
                ? Optional.of(config.databases().getFirst())
                : config.databases().stream().filter(d -> d.name().equals(database)).findFirst();
        if (db.isEmpty()) {
            err.println("pg-mcp: --print-grants needs one of the configured databases: "
                    + config.databases().stream().map(DatabaseConfig::name).toList());
            return 1;
        }
        try (Connection connection = new PgConnectionFactory(db.get(), config.server().queryTimeout()).open()) {
            Catalog catalog = new CatalogLoader(Clock.systemUTC()).load(connection, db.get().name(), Set.of());
            out.print(LeastPrivilegeGrants.render(db.get(), new AccessPolicy(db.get().accessPolicy()), catalog,
                    config.server().queryTimeout()));
            return 0;
        } catch (SQLException e) {
            err.println("pg-mcp: cannot read the schema of " + db.get().name() + " (" + db.get().displayTarget() + "): "
                    + SqlFailure.of(e, false).message());
            return 1;
        }
    }
}
