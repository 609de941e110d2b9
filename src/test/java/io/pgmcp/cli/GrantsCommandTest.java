package io.pgmcp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code --print-grants [DB]}: which database it reads, what it prints, and how it fails. */
class GrantsCommandTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("""
            CREATE TABLE users (id int PRIMARY KEY, name text, ssn text);
            CREATE TABLE payroll (id int PRIMARY KEY, amount numeric);
            """);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int printGrants(String database, String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve("config.yaml"), yaml);
        Options options = new Options(Optional.of(file), Optional.empty(), false, false, Optional.of(database), false,
                false);
        return new GrantsCommand(new ConfigSource(options, Map.of()), database)
                .run(new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
    }

    private static String database(String name, String url) {
        return """
                  - name: %s
                    url: "%s"
                    access_policy:
                      tables: {denied: [payroll]}
                      columns: {denied: [users.ssn]}
                """.formatted(name, url);
    }

    @Test
    void theOnlyDatabaseNeedsNoNameAndGetsTheScriptForItsPolicy() throws IOException {
        TestDatabase database = db.get();
        assertEquals(0, printGrants("", "databases:\n" + database("main", database.postgresUrl())),
                err.toString(UTF_8));
        String sql = out.toString(UTF_8);
        assertTrue(sql.startsWith("-- Least-privilege role"), sql);
        assertTrue(sql.contains("for pg-mcp database 'main'"), sql);
        assertTrue(sql.contains("GRANT CONNECT ON DATABASE "), sql);
        assertTrue(sql.contains(database.name()), sql);
        assertEquals("", err.toString(UTF_8));
    }

    @Test
    void withSeveralDatabasesTheNamedOneIsRead() throws IOException {
        String yaml = "databases:\n" + database("offline", "postgresql://reader@127.0.0.1:1/nothing")
                + database("main", db.get().postgresUrl());
        assertEquals(0, printGrants("main", yaml), err.toString(UTF_8));
        assertTrue(out.toString(UTF_8).startsWith("-- Least-privilege role"), out.toString(UTF_8));
        assertTrue(out.toString(UTF_8).contains("for pg-mcp database 'main'"), out.toString(UTF_8));
    }

    @Test
    void anUnknownOrMissingNameListsTheConfiguredDatabases() throws IOException {
        String yaml = "databases:\n" + database("main", db.get().postgresUrl())
                + database("reports", db.get().postgresUrl());
        assertEquals(1, printGrants("", yaml));
        assertEquals("pg-mcp: --print-grants needs one of the configured databases: [main, reports]",
                err.toString(UTF_8).strip());
        assertEquals("", out.toString(UTF_8));
    }

    @Test
    void aDatabaseThatCannotBeReachedStillGetsItsScriptFromTheConfigurationAloneWithoutThePassword()
            throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        assertEquals(0,
                printGrants("", "databases:\n" + database("main", "postgresql://reader:Unreach4ble-pw@127.0.0.1:"
                        + closedPort + "/shop")),
                err.toString(UTF_8));
        String sql = out.toString(UTF_8);
        assertTrue(sql.contains("GRANT CONNECT ON DATABASE shop TO "), sql);
        assertFalse(sql.contains("Unreach4ble-pw"), sql);
        assertEquals("", err.toString(UTF_8));
    }

    @Test
    void anInvalidConfigurationPrintsEveryErrorAndExitsOne() throws IOException {
        assertEquals(1, printGrants("", "databases: []\nserver: {transport: pigeon}\n"));
        String errors = err.toString(UTF_8);
        assertTrue(errors.lines().count() >= 2 && errors.lines().allMatch(l -> l.startsWith("ERROR: ")), errors);
    }

    private static final String PRINCIPALS = """
            server: {transport: http, http: {oauth: {resource: "https://pg-mcp.test/mcp", authorization_servers: [{issuer: "https://idp.test"}]}}}
            principals:
              - name: analysts
                match: {claim: groups, value: analysts}
                databases:
                  - {name: main, role: analyst, access_policy: {tables: {allowed: [users]}}}
              - name: auditors
                match: {claim: groups, value: auditors}
                databases:
                  - {name: main, role: %s, access_policy: {columns: {denied: [users.name]}}}
              - name: viewers
                match: {claim: groups, value: viewers}
                databases:
                  - {name: main, role: analyst, access_policy: {tables: {allowed: [users]}}}
                  - {name: other}
            """;

    @Test
    void eachRoleOfAPrincipalOnTheDatabaseGetsItsOwnScriptAfterTheLoginRoles() throws IOException {
        String yaml = "databases:\n" + database("main", db.get().postgresUrl()) + database("other",
                db.get().postgresUrl()) + PRINCIPALS.formatted("auditor");
        assertEquals(0, printGrants("main", yaml), err.toString(UTF_8));
        String sql = out.toString(UTF_8);
        assertTrue(sql.startsWith("-- Least-privilege role"), sql);
        int analyst = sql.indexOf("-- Role analyst of pg-mcp principal 'analysts' on database 'main'");
        int auditor = sql.indexOf("-- Role auditor of pg-mcp principal 'auditors' on database 'main'");
        assertTrue(analyst > sql.indexOf("COMMIT;") && auditor > analyst, sql);
        assertEquals(-1, sql.indexOf("principal 'viewers'"), "a role shared with the same policy is printed once");
        assertTrue(sql.contains("allowed_tables constant text[] := ARRAY[E'users']::text[]"), sql);
        assertTrue(sql.contains("denied_columns constant text[] := ARRAY[E'users.name', E'users.ssn']::text[]"), sql);
        assertTrue(sql.contains("GRANT auditor TO " + db.get().user() + ";"), sql);
    }

    @Test
    void aRoleSharedByPrincipalsWithDifferentPoliciesIsRefused() throws IOException {
        String yaml = "databases:\n" + database("main", db.get().postgresUrl()) + database("other",
                db.get().postgresUrl()) + PRINCIPALS.formatted("analyst");
        assertEquals(1, printGrants("main", yaml));
        assertEquals("pg-mcp: principals 'analysts' and 'auditors' both run as role 'analyst' on database 'main' with"
                + " different access policies; give each its own role", err.toString(UTF_8).strip());
        assertEquals("", out.toString(UTF_8));
    }
}
