package io.pgmcp.testing;

import static io.pgmcp.testing.TestPostgresTest.queryText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresDatabaseTest {

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase
            .withScripts("io/pgmcp/guard/guard-schema.sql", "io/pgmcp/testing/sample-setup.sql")
            .andSql("CREATE TABLE public.inline_too(id int)");

    @Test
    void loadsTheGuardSchema() throws SQLException {
        try (Connection connection = db.get().connect()) {
            assertEquals("public.orders,public.products,public.user_credentials,public.users,internal.audit",
                    queryText(connection, """
                            SELECT string_agg(schemaname || '.' || tablename, ',' ORDER BY schemaname DESC, tablename)
                            FROM pg_tables WHERE schemaname IN ('public', 'internal') AND tablename <> 'greetings'
                              AND tablename <> 'inline_too'"""));
            assertEquals("200", queryText(connection, "SELECT count(*) FROM users"));
        }
    }

    @Test
    void runsClasspathScriptsWithDollarQuotedBodiesAndThenInlineSql() throws SQLException {
        try (Connection connection = db.get().connect()) {
            assertEquals("HELLO!", queryText(connection, "SELECT shout(word) FROM greetings WHERE word = 'hello'"));
            assertEquals("0", queryText(connection, "SELECT count(*) FROM inline_too"));
        }
    }

    @Test
    void namesTheDatabaseAfterTheTestClass() {
        assertTrue(db.get().name().startsWith("postgresdatabasetest_"), db.get().name());
    }

    @Test
    void dropsTheDatabaseAfterAll() throws SQLException {
        PostgresDatabase extension = PostgresDatabase.withSql("CREATE TABLE t(id int)");
        ExtensionContext context = contextOf(DropsTheDatabaseAfterAll.class);

        extension.beforeAll(context);
        String name = extension.get().name();
        assertEquals(1, databasesNamed(name));
        extension.afterAll(context);

        assertEquals(0, databasesNamed(name));
        assertThrows(IllegalStateException.class, extension::get);
    }

    @Test
    void reportsAMissingScriptWithTheWorkingDirectory() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SetupScript.load("no/such/script.sql"));

        assertTrue(e.getMessage().contains("working directory"), e.getMessage());
    }

    @Nested
    class InANestedClass {
        @Test
        void sharesTheEnclosingClassDatabase() throws SQLException {
            try (Connection connection = db.get().connect()) {
                assertEquals("50", queryText(connection, "SELECT count(*) FROM products"));
            }
        }
    }

    private static int databasesNamed(String name) throws SQLException {
        try (Connection connection = db.get().connect()) {
            return Integer.parseInt(queryText(connection,
                    "SELECT count(*) FROM pg_database WHERE datname = " + TestPostgres.quoteLiteral(name)));
        }
    }

    private static ExtensionContext contextOf(Class<?> testClass) {
        return (ExtensionContext) Proxy.newProxyInstance(ExtensionContext.class.getClassLoader(),
                new Class<?>[]{ExtensionContext.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("getRequiredTestClass")) {
                        return testClass;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Stands for a test class in {@link #dropsTheDatabaseAfterAll}. */
    private static final class DropsTheDatabaseAfterAll {}
}
