package io.pgmcp.sql;

import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.ColumnInfo;
import io.pgmcp.catalog.RoleAccess;
import io.pgmcp.catalog.TableInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a database's login role agrees with its access policy, for {@code --validate-config
 * --check-connections} and the start-up log: the role should not be able to read what the policy
 * denies — a denied table or view, one outside {@code tables.allowed}, one in a schema outside
 * {@code allowed_schemas}, a denied column — since the role is the boundary that holds when the guard
 * does not. {@code pg_catalog} and {@code information_schema} are left out: every role can read them,
 * and the guard refuses them unless they are allowed. Also finds {@code tables.denied} and
 * {@code columns.denied} entries that name nothing in the database (a typo that protects nothing).
 * Stateless.
 */
public final class RoleAgreement {
    /** Names listed in one warning at most; the rest are counted. */
    static final int MAX_NAMES = 10;

    private RoleAgreement() {}

    /** Every disagreement between {@code db}'s policy, the database's {@code catalog} and what its role can read. */
    public static List<String> warnings(DatabaseConfig db, Catalog catalog, RoleAccess access) {
        AccessPolicy policy = new AccessPolicy(db.accessPolicy());
        List<String> outsideSchemas = new ArrayList<>();
        List<String> deniedTables = new ArrayList<>();
        List<String> deniedColumns = new ArrayList<>();
        for (TableInfo table : catalog.relations()) {
            if (!access.canRead(table.schema(), table.name())) {
                continue;
            }
            String name = display(table.schema(), table.name());
            if (!policy.schemaAllowed(table.schema())) {
                outsideSchemas.add(name);
            } else if (!policy.tableAllowed(table.schema(), table.name())) {
                deniedTables.add(name);
            } else {
                for (ColumnInfo column : table.columns()) {
                    if (!policy.columnAllowed(table.schema(), table.name(), column.name())
                            && access.canRead(table.schema(), table.name(), column.name())) {
                        deniedColumns.add(name + "." + Names.display(column.name()));
                    }
                }
            }
        }
        String role = db.user().map(user -> "role " + user).orElse("login role");
        String fix = "; only the guard stands in the way (pg-mcp --print-grants " + db.name()
                + " prints SQL that makes the role read only what the policy allows)";
        List<String> warnings = new ArrayList<>();
        if (!outsideSchemas.isEmpty()) {
            warnings.add("the " + role + " can SELECT " + list(outsideSchemas, "relation")
                    + " in schemas outside allowed_schemas "
                    + db.accessPolicy().allowedSchemas() + fix);
        }
        if (!deniedTables.isEmpty()) {
            warnings.add(
                    "the " + role + " can SELECT " + list(deniedTables, "relation") + " that the policy denies" + fix);
        }
        if (!deniedColumns.isEmpty()) {
            warnings.add(
                    "the " + role + " can SELECT " + list(deniedColumns, "column") + " that the policy denies" + fix);
        }
        warnings.addAll(unknownDenyEntries(db.accessPolicy(), catalog));
        return warnings;
    }

    /**
     * {@code tables.denied} entries that match no table or view, and {@code columns.denied} entries
     * that match no column, matched as the policy matches them (ignoring case). Patterns are not
     * checked: a pattern is meant to catch columns that may not exist yet.
     */
    static List<String> unknownDenyEntries(AccessPolicyConfig config, Catalog catalog) {
        List<String> warnings = new ArrayList<>();
        for (String entry : config.tables().denied()) {
            String wanted = entry.toLowerCase(Locale.ROOT);
            boolean found = catalog.relations().stream().anyMatch(t -> lower(t.name()).equals(wanted)
                    || (lower(t.schema()) + "." + lower(t.name())).equals(wanted));
            if (!found) {
                warnings.add("access_policy.tables.denied: '" + entry + "' names no table or view in the database;"
                        + " it denies nothing (a typo?)");
            }
        }
        for (String entry : config.columns().denied()) {
            String wanted = entry.toLowerCase(Locale.ROOT);
            boolean found = catalog.relations().stream().anyMatch(t -> t.columns().stream().anyMatch(c -> {
                String tc = lower(t.name()) + "." + lower(c.name());
                return tc.equals(wanted) || (lower(t.schema()) + "." + tc).equals(wanted);
            }));
            if (!found) {
                warnings.add("access_policy.columns.denied: '" + entry + "' names no column in the database;"
                        + " it denies nothing (a typo?)");
            }
        }
        return warnings;
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static String display(String schema, String name) {
        return Names.display(schema) + "." + Names.display(name);
    }

    private static String list(List<String> names, String noun) {
        List<String> sorted = names.stream().sorted().toList();
        String shown = String.join(", ", sorted.subList(0, Math.min(MAX_NAMES, sorted.size())));
        int more = sorted.size() - MAX_NAMES;
        return sorted.size() + " " + noun + (sorted.size() == 1 ? "" : "s") + " (" + shown
                + (more > 0 ? " and " + more + " more" : "") + ")";
    }
}
