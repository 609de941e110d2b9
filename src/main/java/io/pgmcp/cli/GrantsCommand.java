package io.pgmcp.cli;

import io.pgmcp.config.ConfigException;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.config.PrincipalConfig;
import io.pgmcp.config.PrincipalDatabase;
import io.pgmcp.sql.AccessPolicy;
import io.pgmcp.sql.LeastPrivilegeGrants;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --print-grants [DB]}: prints the SQL of a least-privilege role for the database's access
 * policy (see {@link LeastPrivilegeGrants}), from the configuration alone: it connects to nothing, so
 * the role it describes need not exist yet. Then, for each role a {@code principals} entry runs as on
 * that database, the same grants from the principal's effective policy for that role, which is granted to
 * the login role (each role once; two principals that share a role must share its policy). Exit 0 when
 * printed, 1 when the configuration is invalid, names no such database, or gives one role two policies.
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
        Map<String, PrincipalConfig> byRole = new LinkedHashMap<>();
        for (PrincipalConfig principal : config.principals()) {
            Optional<PrincipalDatabase> used = principal.database(db.get().name());
            if (used.isEmpty() || used.get().role().isEmpty()) {
                continue;
            }
            PrincipalConfig first = byRole.putIfAbsent(used.get().role().get(), principal);
            if (first != null && !first.database(db.get().name()).orElseThrow().accessPolicy()
                    .equals(used.get().accessPolicy())) {
                // one role can hold one set of grants: printing both would leave the second principal's
                err.println(
                        "pg-mcp: principals '" + first.name() + "' and '" + principal.name() + "' both run as role '"
                                + used.get().role().get() + "' on database '" + db.get().name()
                                + "' with different access policies; give each its own role");
                return 1;
            }
        }
        out.print(LeastPrivilegeGrants.render(db.get(), new AccessPolicy(db.get().accessPolicy()),
                config.server().queryTimeout()));
        byRole.forEach((role, principal) -> {
            out.println();
            out.print(LeastPrivilegeGrants.renderForPrincipal(db.get(), principal.name(), role,
                    new AccessPolicy(principal.database(db.get().name()).orElseThrow().accessPolicy())));
        });
        return 0;
    }
}
