package io.pgmcp.catalog;

import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.config.PrincipalDatabase;
import io.pgmcp.db.DatabaseException;
import io.pgmcp.db.DirectConnection;
import io.pgmcp.db.PgConnectionFactory;
import io.pgmcp.db.SqlFailure;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --validate-config --check-connections}: connects to each configured database once; a
 * database that cannot be reached is an error, a role with more power than reading needs is a
 * warning (see {@link RoleCheck}), and so is whatever the {@link PolicyCheck} finds comparing the
 * database's catalog and what its role can read with the access policy. A role a {@code principals} entry
 * runs as there that the login role cannot assume is an error. Never includes a password.
 */
public final class ConnectionProbe {

    /** The errors and warnings of a probe. */
    public record Report(List<String> errors, List<String> warnings) {}

    /** Compares one database's policy with its catalog and what its role can read (the layer above owns the policy). */
    @FunctionalInterface
    public interface PolicyCheck {
        /** @return warnings, each without the database's name */
        List<String> warnings(DatabaseConfig db, Catalog catalog, RoleAccess access);
    }

    private ConnectionProbe() {}

    /** @param clock stamps the catalogs loaded for the check */
    public static Report check(PgMcpConfig config, PolicyCheck policyCheck, InstantSource clock) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (DatabaseConfig db : config.databases()) {
            String fix = "; pg-mcp needs only SELECT on what the policy allows (run --print-grants " + db.name()
                    + " for a least-privilege role)";
            try (DirectConnection connection = DirectConnection
                    .open(new PgConnectionFactory(db, config.server().queryTimeout()))) {
                for (String warning : RoleCheck.warnings(connection, db.accessPolicy().allowedSchemas())) {
                    warnings.add("databases." + db.name() + ": " + warning + fix);
                }
                errors.addAll(unassumableRoles(config, db, connection));
                Catalog catalog = new CatalogLoader(clock).load(connection, db.name(), Set.of());
                for (String warning : policyCheck.warnings(db, catalog, RoleCheck.access(connection))) {
                    warnings.add("databases." + db.name() + ": " + warning);
                }
            } catch (DatabaseException e) {
                SqlFailure failure = e.failure();
                errors.add("databases." + db.name() + ": cannot connect to " + db.displayTarget()
                        + " (SQLSTATE " + failure.sqlState() + "): " + failure.message());
            }
        }
        return new Report(errors, warnings);
    }

    /** One error per principal's role on {@code db} that the connected login role cannot assume. */
    private static List<String> unassumableRoles(PgMcpConfig config, DatabaseConfig db, DirectConnection connection)
            throws DatabaseException {
        Map<String, List<String>> pathsByRole = new LinkedHashMap<>();
        for (int i = 0; i < config.principals().size(); i++) {
            List<PrincipalDatabase> used = config.principals().get(i).databases();
            for (int j = 0; j < used.size(); j++) {
                if (used.get(j).name().equals(db.name()) && used.get(j).role().isPresent()) {
                    pathsByRole.computeIfAbsent(used.get(j).role().get(), r -> new ArrayList<>())
                            .add("principals[" + i + "].databases[" + j + "].role");
                }
            }
        }
        List<String> errors = new ArrayList<>();
        for (String role : RoleCheck.unassumableRoles(connection, pathsByRole.keySet())) {
            for (String path : pathsByRole.get(role)) {
                errors.add(path + ": the login role of database '" + db.name() + "' cannot assume role \"" + role
                        + "\" (no such role, or not a member with the right to SET it); calls of this principal"
                        + " there would fail. Create it and grant it: GRANT " + quote(role) + " TO "
                        + db.user().map(ConnectionProbe::quote).orElse("<the login role>") + ";");
            }
        }
        return errors;
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
