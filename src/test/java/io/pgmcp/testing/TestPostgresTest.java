package io.pgmcp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TestPostgresTest {

    private final TestPostgres postgres = TestPostgres.shared();

    @Test
    void providesAWorkingServer() throws SQLException {
        TestDatabase database = postgres.createDatabase("TestPostgresTest");
        try (Connection connection = database.connect()) {
            assertTrue(queryText(connection, "SELECT version()").startsWith("PostgreSQL "));
            assertEquals(database.name(), queryText(connection, "SELECT current_database()"));
        } finally {
            database.drop();
        }
    }

    @Test
    void eachClassGetsItsOwnDatabaseFromTheTemplate() throws Exception {
        int threads = 8;
        List<TestDatabase> databases = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<TestDatabase>> created = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String table = "only_in_" + i;
                created.add(pool.submit(() -> {
                    go.await();
                    return postgres.createDatabase("EachClassGets", "CREATE TABLE " + table + "(id int)");
                }));
            }
            go.countDown();
            for (Future<TestDatabase> database : created) {
                databases.add(database.get());
            }
        }
        TestDatabase empty = postgres.createDatabase("EachClassGets");
        try {
            assertEquals(threads, new HashSet<>(databases.stream().map(TestDatabase::name).toList()).size());
            for (int i = 0; i < threads; i++) {
                assertEquals(List.of("only_in_" + i), tables(databases.get(i)));
            }
            assertEquals(List.of(), tables(empty), "the template holds no tables");
        } finally {
            databases.forEach(TestDatabase::drop);
            empty.drop();
        }
    }

    @Test
    void nothingConnectsToTheTemplate() {
        TestDatabase template = new TestDatabase(postgres, TestPostgres.TEMPLATE);

        SQLException refused = assertThrows(SQLException.class, () -> template.connect().close());
        assertEquals("55000", refused.getSQLState(), refused.getMessage()); // not accepting connections
    }

    @Test
    void fsyncIsOff() throws SQLException {
        assumeFalse(postgres.server() instanceof ExternalServer,
                "PG_MCP_TEST_URL servers are configured by their owners");
        TestDatabase database = postgres.createDatabase("TestPostgresTest");
        try (Connection connection = database.connect()) {
            assertEquals("off", queryText(connection, "SHOW fsync"));
            assertEquals("off", queryText(connection, "SHOW synchronous_commit"));
            assertEquals("200", queryText(connection, "SHOW max_connections"));
        } finally {
            database.drop();
        }
    }

    @Test
    void runsAsPostgresUserWhenRoot() throws Exception {
        assumeTrue(postgres.server() instanceof LocalCluster,
                "only a cluster from local binaries runs as a local user");
        String expected = ClusterOwner.jvmRunsAsRoot() ? "postgres" : System.getProperty("user.name");
        TestDatabase database = postgres.createDatabase("TestPostgresTest");
        try (Connection connection = database.connect()) {
            Path dataDirectory = Path.of(queryText(connection, "SELECT current_setting('data_directory')"));
            long backendPid = Long.parseLong(queryText(connection, "SELECT pg_backend_pid()"));

            assertEquals(expected, Files.getOwner(dataDirectory).getName());
            assertEquals(expected, ProcessHandle.of(backendPid).orElseThrow().info().user().orElseThrow());
        } finally {
            database.drop();
        }
    }

    @Test
    void createsLoginRolesWithGrants() throws SQLException {
        TestDatabase database = postgres.createDatabase("TestPostgresTest",
                "CREATE TABLE visible(id int); CREATE TABLE hidden(id int);");
        String role = database.name() + "_reader";
        String password = "p@ss:w/rd %+é'\"";
        try {
            database.createRole(role, password, "GRANT SELECT ON visible TO " + role);
            ServerUrl url = ServerUrl.parse(database.postgresUrl(role, password));
            assertEquals(role, url.user());
            assertEquals(password, url.password());

            try (Connection connection = database.connect(url.user(), url.password());
                    Statement statement = connection.createStatement()) {
                statement.execute("SELECT * FROM visible");
                SQLException denied = assertThrows(SQLException.class, () -> statement.execute("SELECT * FROM hidden"));
                assertEquals("42501", denied.getSQLState()); // insufficient_privilege
            }
        } finally {
            database.drop();
        }
    }

    @Test
    void aFailingSetupScriptIsNamedAndItsDatabaseDropped() throws SQLException {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> postgres.createDatabase(
                "BrokenSetup",
                List.of(SetupScript.inline("CREATE TABLE fine(id int);\nSELECT * FROM missing_table;"))));

        assertTrue(e.getMessage().contains("inline SQL 'CREATE TABLE fine(id int);'"), e.getMessage());
        assertTrue(e.getMessage().contains("42P01"), e.getMessage()); // undefined_table
        TestDatabase probe = postgres.createDatabase("TestPostgresTest");
        try (Connection connection = probe.connect()) {
            assertEquals("0",
                    queryText(connection, "SELECT count(*) FROM pg_database WHERE datname LIKE 'brokensetup%'"));
        } finally {
            probe.drop();
        }
    }

    @Test
    void refusesToRestartOrCloseTheSharedServer() {
        assertThrows(IllegalStateException.class, postgres::restart);
        assertThrows(IllegalStateException.class, postgres::close);
    }

    @Test
    void namesDatabasesWithValidIdentifiersOfAtMost63Bytes() {
        String longName = TestPostgres.databaseName("A".repeat(100), "ab12", 7);
        assertEquals(63, longName.getBytes(StandardCharsets.UTF_8).length);
        assertTrue(longName.endsWith("_ab12_7"));
        assertEquals("db_1st_class_ab12_1", TestPostgres.databaseName("1st Class", "ab12", 1));
        assertEquals("caf__test_ab12_2", TestPostgres.databaseName("Café$Test", "ab12", 2));
        assertEquals("db__ab12_3", TestPostgres.databaseName("", "ab12", 3));
    }

    private static List<String> tables(TestDatabase database) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 1")) {
            while (rows.next()) {
                tables.add(rows.getString(1));
            }
        }
        return tables;
    }

    static String queryText(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertTrue(rows.next(), sql + " returned no row");
            String value = rows.getString(1);
            assertFalse(rows.next(), sql + " returned more than one row");
            return value;
        }
    }
}
