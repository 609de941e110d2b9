package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.ColumnAccessConfig;
import io.pgmcp.config.ExplainPolicyConfig;
import io.pgmcp.config.FunctionAccessConfig;
import io.pgmcp.config.OnDenied;
import io.pgmcp.config.PolicyOverlay;
import io.pgmcp.config.SelectStarPolicy;
import io.pgmcp.config.TableAccessConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random database policies and overlays over a small alphabet of names that differ by case and quoting
 * (seeded, so a failure reproduces): whenever an overlay is accepted, every schema, table and column its
 * effective policy allows is allowed by the database's own policy, as the guard decides it.
 */
class PolicyOverlayPropertyTest {
    private static final List<String> SCHEMAS = List.of("public", "Public", "\"Public\"", "sales", "SALES", "hr");
    private static final List<String> TABLES = List.of("orders", "Orders", "\"Orders\"", "users", "items",
            "public.orders", "Public.users", "sales.orders", "sales.\"Orders\"", "hr.items", "public.items");
    private static final List<String> COLUMNS = List.of("orders.id", "users.ssn", "Orders.Secret", "public.users.name",
            "sales.orders.total");
    private static final List<String> PATTERNS = List.of("*.ssn", "users.*", "*secret*", "o?ders.id", "*");
    /** Names as the catalog spells them. */
    private static final List<String> CATALOG_SCHEMAS = List.of("public", "Public", "sales", "SALES", "hr");
    private static final List<String> CATALOG_TABLES = List.of("orders", "Orders", "users", "items", "other");
    private static final List<String> CATALOG_COLUMNS = List.of("id", "ssn", "Secret", "name", "total");

    @Test
    void whatAnAcceptedOverlayAllowsTheDatabaseAllows() {
        Random random = new Random(20250611L);
        int accepted = 0;
        int refused = 0;
        for (int round = 0; round < 20_000; round++) {
            AccessPolicyConfig db;
            try {
                db = new AccessPolicyConfig(some(random, SCHEMAS, 1), new TableAccessConfig(
                        some(random, TABLES, 0), some(random, TABLES, 0)),
                        new ColumnAccessConfig(some(random, COLUMNS, 0), some(random, PATTERNS, 0), OnDenied.REJECT,
                                SelectStarPolicy.REJECT),
                        ExplainPolicyConfig.defaults(), FunctionAccessConfig.defaults());
            } catch (IllegalArgumentException e) {
                continue; // a table both allowed and denied: not a valid database policy
            }
            PolicyOverlay overlay = new PolicyOverlay(maybe(random, SCHEMAS), maybe(random, TABLES),
                    some(random, TABLES, 0), some(random, COLUMNS, 0), some(random, PATTERNS, 0));
            if (!overlay.widenings(db, "db").isEmpty()) {
                refused++;
                continue;
            }
            AccessPolicyConfig effectiveConfig = overlay.applyTo(db, "db");
            accepted++;
            AccessPolicy database = new AccessPolicy(db);
            AccessPolicy effective = new AccessPolicy(effectiveConfig);
            for (String schema : CATALOG_SCHEMAS) {
                if (effective.schemaAllowed(schema) && !database.schemaAllowed(schema)) {
                    fail("schema " + schema + " widened by " + overlay + " over " + db);
                }
                for (String table : CATALOG_TABLES) {
                    if (effective.tableAllowed(schema, table) && !database.tableAllowed(schema, table)) {
                        fail("table " + schema + "." + table + " widened by " + overlay + " over " + db);
                    }
                    for (String column : CATALOG_COLUMNS) {
                        if (effective.columnAllowed(schema, table, column)
                                && !database.columnAllowed(schema, table, column)) {
                            fail("column " + schema + "." + table + "." + column + " widened by " + overlay
                                    + " over " + db);
                        }
                    }
                }
            }
        }
        assertTrue(accepted > 2_000 && refused > 2_000, "both kinds generated: " + accepted + " accepted, " + refused
                + " refused");
    }

    /** At least {@code min} of {@code names}, each at most once, in random order. */
    private static List<String> some(Random random, List<String> names, int min) {
        List<String> picked = new ArrayList<>();
        int count = min + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            String name = names.get(random.nextInt(names.size()));
            if (!picked.contains(name)) {
                picked.add(name);
            }
        }
        return picked;
    }

    private static Optional<List<String>> maybe(Random random, List<String> names) {
        return random.nextInt(3) == 0 ? Optional.empty() : Optional.of(some(random, names, 0));
    }
}
