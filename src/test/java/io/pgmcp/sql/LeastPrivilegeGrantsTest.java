package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.ConfigLoader;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.catalog.ColumnInfo;
import io.pgmcp.catalog.ConnectionProbe;
import io.pgmcp.catalog.RoleAccess;
import io.pgmcp.catalog.RoleCheck;
import io.pgmcp.db.DatabaseException;
import io.pgmcp.db.DirectConnection;
import io.pgmcp.catalog.TableInfo;
import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code --print-grants} SQL, run twice as the superuser, leaves a role that PostgreSQL itself
 * lets read exactly what the policy allows — also when the role existed before with far more — and
 * {@link RoleAgreement} (the {@code --validate-config --check-connections} and start-up check) sees
 * the difference before and none after.
 */
class LeastPrivilegeGrantsTest {
    private static final String PASSWORD = "lpg-test-pw";

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("""
            CREATE SCHEMA internal;
            CREATE TABLE customers (id int PRIMARY KEY, name text, ssn text, "Password_Hash" text);
            CREATE TABLE orders (id serial PRIMARY KEY, customer_id int, total numeric);
            CREATE TABLE secrets (id int, token text);
            CREATE TABLE "MixedCase" (id int, "Secret_Note" text, label text);
            CREATE VIEW order_totals AS SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;
            CREATE TABLE internal.audit (id int, note text);
            INSERT INTO customers VALUES (1, 'Ann', '123-45-6789', 'hash');
            INSERT INTO secrets VALUES (1, 'token');
            INSERT INTO internal.audit VALUES (1, 'note');
            """);

    private static final String POLICY = """
            access_policy:
              allowed_schemas: [public]
              tables: {denied: [secrets]}
              columns: {denied: [customers.ssn], denied_patterns: ["*.password*", "*.secret*"]}
            """;

    @TempDir
    Path dir;

    private DatabaseConfig config(String role, String policy) throws Exception {
        TestDatabase database = db.get();
        Path file = dir.resolve(role + ".yaml");
        Files.writeString(file, "databases:\n  - name: shop\n    url: " + database.postgresUrl(role, PASSWORD) + "\n"
                + policy.indent(4));
        return new ConfigLoader(Map.of("HOME", dir.toString())).load(file).config().databases().getFirst();
    }

    private static String grants(DatabaseConfig config) {
        return LeastPrivilegeGrants.render(config, new AccessPolicy(config.accessPolicy()), Duration.ofSeconds(30))
                .replace("'change-me'", "'" + PASSWORD + "'");
    }

    private static void runAsSuperuser(String sql) throws SQLException, DatabaseException {
        try (Connection owner = db.get().connect(); Statement statement = owner.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void dropRole(String role) {
        try (Connection owner = db.get().connect(); Statement statement = owner.createStatement()) {
            statement.execute("DROP OWNED BY " + role + " CASCADE");
            statement.execute("DROP ROLE " + role);
        } catch (SQLException e) {
            // it did not exist
        }
    }

    private static Catalog catalog() throws DatabaseException {
        try (DirectConnection owner = DirectConnection.open(() -> db.get().connect())) {
            return new CatalogLoader(Clock.systemUTC()).load(owner, "shop", Set.of());
        }
    }

    /**
     * Tries every column of every relation as the role: PostgreSQL must answer exactly those the
     * policy allows and refuse the rest with 42501. Answers what it could read.
     */
    private static List<String> assertReadsExactlyWhatThePolicyAllows(DatabaseConfig config, String role)
            throws SQLException, DatabaseException {
        return assertReadsExactlyWhatThePolicyAllows(config.accessPolicy(), role, null);
    }

    /** As above, logged in as {@code role} and then switched to {@code setRole} when it is not null. */
    private static List<String> assertReadsExactlyWhatThePolicyAllows(io.pgmcp.config.AccessPolicyConfig config,
            String role, String setRole) throws SQLException, DatabaseException {
        AccessPolicy policy = new AccessPolicy(config);
        List<String> readable = new ArrayList<>();
        try (Connection connection = db.get().connect(role, PASSWORD)) {
            connection.setAutoCommit(true);
            if (setRole != null) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET ROLE " + Names.display(setRole));
                }
            }
            for (TableInfo table : catalog().relations()) {
                for (ColumnInfo column : table.columns()) {
                    String name = Names.display(table.schema()) + "." + Names.display(table.name()) + "."
                            + Names.display(column.name());
                    boolean allowed = policy.tableAllowed(table.schema(), table.name())
                            && policy.columnAllowed(table.schema(), table.name(), column.name());
                    String sql = "SELECT " + Names.display(column.name()) + " FROM " + Names.display(table.schema())
                            + "."
                            + Names.display(table.name());
                    try (Statement statement = connection.createStatement();
                            ResultSet rs = statement.executeQuery(sql)) {
                        while (rs.next()) {
                            rs.getObject(1);
                        }
                        assertTrue(allowed, role + " read " + name + ", which the policy denies");
                        readable.add(name);
                    } catch (SQLException e) {
                        assertFalse(allowed,
                                role + " cannot read " + name + ", which the policy allows: " + e.getMessage());
                        assertEquals("42501", e.getSQLState(), name + ": " + e.getMessage());
                    }
                }
            }
        }
        return readable;
    }

    @Test
    void printedGrantsRunTwiceAndTheRoleReadsExactlyWhatThePolicyAllows() throws Exception {
        String role = "lpg_fresh_reader";
        dropRole(role);
        try {
            DatabaseConfig config = config(role, POLICY);
            String grants = grants(config);
            runAsSuperuser(grants);
            runAsSuperuser(grants);

            List<String> readable = assertReadsExactlyWhatThePolicyAllows(config, role);
            assertEquals(List.of("public.\"MixedCase\".id", "public.\"MixedCase\".label", "public.customers.id",
                    "public.customers.name", "public.order_totals.customer_id", "public.order_totals.total",
                    "public.orders.customer_id",
                    "public.orders.id", "public.orders.total"), readable.stream().sorted().toList());
            try (Connection connection = db.get().connect(role, PASSWORD);
                    Statement statement = connection.createStatement()) {
                assertEquals("42501",
                        assertThrows(SQLException.class, () -> statement.executeQuery("SELECT ssn FROM customers"))
                                .getSQLState(),
                        "the denied column is refused by PostgreSQL");
                assertEquals("42501",
                        assertThrows(SQLException.class, () -> statement.executeQuery("SELECT token FROM secrets"))
                                .getSQLState(),
                        "the denied table is refused by PostgreSQL");
                assertEquals("25006", assertThrows(SQLException.class,
                        () -> statement.execute("CREATE TEMP TABLE t (id int)")).getSQLState(),
                        "sessions are read-only");
                assertEquals(List.of(), RoleAgreement.warnings(config, catalog(),
                        RoleCheck.access(DirectConnection.open(() -> connection))));
            }
        } finally {
            dropRole(role);
        }
    }

    @Test
    void aRoleThatAlreadyReadEverythingIsCutBackToThePolicy() throws Exception {
        String role = "lpg_broad_reader";
        dropRole(role);
        db.get().createRole(role, PASSWORD, "ALTER ROLE " + role + " CREATEDB INHERIT",
                "GRANT USAGE, CREATE ON SCHEMA public, internal TO " + role,
                "GRANT SELECT ON ALL TABLES IN SCHEMA public, internal TO " + role,
                "GRANT INSERT ON orders TO " + role, "GRANT SELECT (ssn) ON customers TO " + role,
                "GRANT pg_read_all_data TO " + role);
        try {
            DatabaseConfig config = config(role, POLICY);
            ConnectionProbe.Report before = ConnectionProbe.check(
                    io.pgmcp.config.PgMcpConfig.of(List.of(config)), RoleAgreement::warnings, Clock.systemUTC());
            String warnings = String.join("\n", before.warnings());
            assertTrue(
                    warnings.contains(
                            "can SELECT 1 relation (internal.audit) in schemas outside allowed_schemas [public]"),
                    warnings);
            assertTrue(warnings.contains("can SELECT 1 relation (public.secrets) that the policy denies"), warnings);
            assertTrue(warnings.contains("can SELECT 3 columns (public.\"MixedCase\".\"Secret_Note\", "
                    + "public.customers.\"Password_Hash\", public.customers.ssn) that the policy denies"), warnings);
            assertFalse(warnings.contains("pg_catalog") || warnings.contains("information_schema"),
                    "every role reads the system catalogs: " + warnings);

            String grants = grants(config);
            runAsSuperuser(grants);
            runAsSuperuser(grants);

            assertReadsExactlyWhatThePolicyAllows(config, role);
            try (Connection owner = db.get().connect();
                    Statement statement = owner.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT r.rolcreatedb, r.rolinherit, pg_has_role('" + role
                            + "', 'pg_read_all_data', 'MEMBER'), has_table_privilege('" + role
                            + "', 'orders', 'INSERT'),"
                            + " has_schema_privilege('" + role + "', 'public', 'CREATE'), has_schema_privilege('" + role
                            + "', 'internal', 'USAGE') FROM pg_roles r WHERE r.rolname = '" + role + "'")) {
                assertTrue(rs.next());
                for (int i = 1; i <= 6; i++) {
                    assertFalse(rs.getBoolean(i), "privilege " + i + " was taken back");
                }
            }
            ConnectionProbe.Report after = ConnectionProbe.check(io.pgmcp.config.PgMcpConfig.of(List.of(config)),
                    RoleAgreement::warnings, Clock.systemUTC());
            assertEquals(List.of(), after.errors());
            assertEquals(List.of(), after.warnings());
        } finally {
            dropRole(role);
        }
    }

    @Test
    void aPrincipalsRoleGetsItsNarrowedGrantsAndTheLoginRoleMaySwitchToItButNotInheritIt() throws Exception {
        String login = "lpg_principal_login";
        String analyst = "lpg_analyst";
        dropRole(analyst);
        dropRole(login);
        try {
            Path file = dir.resolve("principals.yaml");
            Files.writeString(file,
                    "server: {transport: http, http: {oauth: {resource: \"https://pg-mcp.test/mcp\", authorization_servers: [{issuer: \"https://idp.test\"}]}}}\ndatabases:\n  - name: shop\n    url: "
                            + db.get().postgresUrl(login, PASSWORD) + "\n" + POLICY.indent(4) + """
                                    principals:
                                      - name: analysts
                                        match: {claim: groups, value: analysts}
                                        databases:
                                          - name: shop
                                            role: lpg_analyst
                                            access_policy:
                                              tables: {allowed: [customers, order_totals, '"MixedCase"']}
                                              columns: {denied: [customers.name], denied_patterns: ["*.label"]}
                                    """);
            io.pgmcp.config.PgMcpConfig loaded = new ConfigLoader(Map.of("HOME", dir.toString())).load(file)
                    .config();
            DatabaseConfig config = loaded.databases().getFirst();
            io.pgmcp.config.AccessPolicyConfig effective = loaded.principals().getFirst().databases().getFirst()
                    .accessPolicy();
            String script = grants(config) + LeastPrivilegeGrants.renderForPrincipal(config, "analysts", analyst,
                    new AccessPolicy(effective));
            assertTrue(script.contains("GRANT lpg_analyst TO lpg_principal_login;"), script);
            assertTrue(script.contains("CREATE POLICY own_rows ON public.notes FOR SELECT TO lpg_analyst"), script);
            runAsSuperuser(script);
            runAsSuperuser(script);

            assertEquals(List.of("public.\"MixedCase\".id", "public.customers.id", "public.order_totals.customer_id",
                    "public.order_totals.total"),
                    assertReadsExactlyWhatThePolicyAllows(effective, login, analyst).stream().sorted().toList());
            assertEquals(9, assertReadsExactlyWhatThePolicyAllows(config, login).size(),
                    "the login role itself reads what the database's policy allows: the membership adds nothing");
            try (Connection owner = db.get().connect();
                    Statement statement = owner.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT r.rolcanlogin, r.rolinherit, pg_has_role('" + login
                            + "', '" + analyst + "', 'MEMBER'), pg_has_role('" + login + "', '" + analyst
                            + "', 'USAGE') FROM pg_roles r WHERE r.rolname = '" + analyst + "'")) {
                assertTrue(rs.next());
                assertFalse(rs.getBoolean(1), "the principal's role cannot log in");
                assertFalse(rs.getBoolean(2), "nor inherit");
                assertTrue(rs.getBoolean(3), "the login role may switch to it");
                assertFalse(rs.getBoolean(4), "but has none of its privileges without switching");
            }
        } finally {
            dropRole(analyst);
            dropRole(login);
        }
    }

    @Test
    void theScriptFailsAndChangesNothingWhilePublicCanReadADeniedTable() throws Exception {
        String role = "lpg_public_reader";
        dropRole(role);
        try {
            DatabaseConfig config = config(role, POLICY);
            runAsSuperuser("GRANT SELECT ON secrets TO PUBLIC");
            SQLException refused = assertThrows(SQLException.class, () -> runAsSuperuser(grants(config)));
            assertTrue(refused.getMessage().contains("can still read what the policy denies: public.secrets"),
                    refused.getMessage());
            try (Connection owner = db.get().connect();
                    Statement statement = owner.createStatement();
                    ResultSet rs = statement
                            .executeQuery("SELECT count(*) FROM pg_roles WHERE rolname = '" + role + "'")) {
                assertTrue(rs.next());
                assertEquals(0, rs.getInt(1), "the whole script rolled back");
            }
        } finally {
            runAsSuperuser("REVOKE SELECT ON secrets FROM PUBLIC");
            dropRole(role);
        }
    }

    @Test
    void denyEntriesThatNameNothingAreWarnedAbout() throws Exception {
        DatabaseConfig config = config("lpg_unused",
                """
                        access_policy:
                          tables: {denied: [secrets, no_such_table, internal.audit, public.nope]}
                          columns: {denied: [customers.ssn, customers.nosuchcol, PUBLIC.Customers.Name], denied_patterns: ["*.nothing_like_this*"]}
                        """);
        assertEquals(List.of(
                "access_policy.tables.denied: 'no_such_table' names no table or view in the database; it denies nothing (a typo?)",
                "access_policy.tables.denied: 'public.nope' names no table or view in the database; it denies nothing (a typo?)",
                "access_policy.columns.denied: 'customers.nosuchcol' names no column in the database; it denies nothing (a typo?)"),
                RoleAgreement.warnings(config, catalog(), new RoleAccess(Map.of())));
    }

    @Test
    void namesFromTheConfigStayData() throws Exception {
        String role = "lpg_quoted_reader";
        dropRole(role);
        try {
            DatabaseConfig config = config(role,
                    """
                            access_policy:
                              tables: {denied: ["x\\nDROP TABLE orders; --", "y'; DROP TABLE orders; --", "$pgmcp$ DROP TABLE orders; $pgmcp$"]}
                              columns: {denied_patterns: ["*'\\\\*"]}
                            """);
            String grants = grants(config);
            assertFalse(grants.lines().anyMatch(line -> line.startsWith("DROP")), grants);
            runAsSuperuser(grants);
            try (Connection owner = db.get().connect();
                    Statement statement = owner.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT to_regclass('public.orders') IS NOT NULL")) {
                assertTrue(rs.next());
                assertTrue(rs.getBoolean(1), "orders is still there");
            }
        } finally {
            dropRole(role);
        }
    }

    @Test
    void globsBecomeAnchoredPostgresRegularExpressions() {
        assertEquals("^.*\\.password.*$", LeastPrivilegeGrants.postgresRegex("*.password*"));
        assertEquals("^users\\.a.b\\_c$", LeastPrivilegeGrants.postgresRegex("users.a?b_c"));
        assertEquals("E'it''s \\\\x'", LeastPrivilegeGrants.literal("it's \\x"));
    }
}
