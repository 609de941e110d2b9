package io.pgmcp.cli;

import io.pgmcp.config.ConfigException;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.sql.AccessPolicy;
import io.pgmcp.sql.LeastPrivilegeGrants;
import java.io.PrintStream;
import java.util.Optional;

/**
 * {@code --print-grants [DB]}: prints the SQL of a least-privilege role for the database's access
 * policy (see {@link LeastPrivilegeGrants}), from the configuration alone: it connects to nothing, so
 * the role it describes need not exist yet. Exit 0 when printed, 1 when the configuration is invalid
 * or names no such database.
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
        out.print(LeastPrivilegeGrants.render(db.get(), new AccessPolicy(db.get().accessPolicy()),
                config.server().queryTimeout()));
        return 0;
    }
}
