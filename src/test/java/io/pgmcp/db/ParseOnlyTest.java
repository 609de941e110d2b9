package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The parse-only check cannot run what it is asked about. {@link ParseOnly#describeOnly} is tested
 * alone, on a superuser connection in autocommit mode — no read-only transaction, no PREPARE wrapper —
 * so that the protocol wall is proven by itself; then {@link Database#checkGrammar} as the guard uses it.
 */
class ParseOnlyTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("""
            CREATE TABLE t (id int PRIMARY KEY);
            INSERT INTO t VALUES (1);
            CREATE SEQUENCE s;
            """);

    private static final String STATE = """
            SELECT concat_ws(' | ',
              (SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace),
              (SELECT count(*) FROM t), (SELECT string_agg(id::text, ',') FROM t),
              (SELECT last_value || ':' || is_called FROM s),
              (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
                 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())),
              (SELECT count(*) FROM pg_prepared_statements))""";

    private static Database database;

    @BeforeAll
    static void open() {
        database = PoolFixture.database(db.get(), PoolFixture.settings("parse", 0, 1, Duration.ofSeconds(10)),
                Ticker.system());
    }

    @AfterAll
    static void close() {
        database.close();
    }

    private static String state(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(STATE)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void describeOnlyExecutesNothingEvenOnAWritableAutocommitSuperuserConnection() throws SQLException {
        try (Connection connection = db.get().connect()) {
            assertTrue(connection.getAutoCommit());
            String before = state(connection);
            long started = System.nanoTime();
            ParseOnly.describeOnly(connection, "SELECT pg_sleep(5)");
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMs < 2_000, "a parse-only call of pg_sleep(5) took " + tookMs + " ms");
            for (String sql : List.of("CREATE TABLE parse_only_created ()", "INSERT INTO t VALUES (2)",
                    "UPDATE t SET id = 3",
                    "DELETE FROM t", "DROP TABLE t", "SELECT nextval('s')", "SELECT setval('s', 99)",
                    "SELECT pg_advisory_lock(42)",
                    "CREATE TABLE parse_only_as AS SELECT 1", "PREPARE parse_only_prepared AS SELECT 1",
                    "TRUNCATE t")) {
                ParseOnly.describeOnly(connection, sql);
                assertEquals(before, state(connection), sql + " changed the database");
            }
            assertEquals("s,t,t_pkey | 1 | 1 | 1:false | 0 | 0", before);
        }
    }

    @Test
    void simpleQueryModeIsRefusedBeforeAnythingIsSent() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", db.get().user());
        properties.setProperty("password", db.get().password());
        properties.setProperty("preferQueryMode", "simple");
        try (Connection connection = DriverManager.getConnection(db.get().jdbcUrl(), properties)) {
            String before = state(connection);
            SQLException refused = assertThrows(SQLException.class,
                    () -> ParseOnly.describeOnly(connection, "CREATE TABLE parse_only_simple ()"));
            assertTrue(refused.getMessage().contains("preferQueryMode=simple"), refused.getMessage());
            assertEquals(before, state(connection));
        }
    }

    @Test
    void severalStatementsAreRefusedBeforeAnythingIsSent() throws SQLException {
        try (Connection connection = db.get().connect()) {
            String before = state(connection);
            SQLException refused = assertThrows(SQLException.class,
                    () -> ParseOnly.describeOnly(connection, "SELECT 1; CREATE TABLE parse_only_two ()"));
            assertEquals("42601", refused.getSQLState());
            assertEquals(before, state(connection));
            // the splitter is pgjdbc's; PostgreSQL refuses several statements in one Parse message too
            assertThrows(SQLException.class,
                    () -> ParseOnly.grammar(connection, "SELECT 1; CREATE TABLE parse_only_three ()"));
            assertEquals(before, state(connection));
        }
    }

    @Test
    void aGrammarErrorIsPostgresqlsOwnWordsAtItsPositionInTheStatement() {
        GrammarCheck.Rejected selec = assertInstanceOf(GrammarCheck.Rejected.class,
                database.checkGrammar("SELEC id FROM t",
                        Duration.ofSeconds(2)));
        assertEquals("42601", selec.sqlState());
        assertEquals("syntax error at or near \"SELEC\"", selec.message());
        assertEquals(1, selec.position());
        GrammarCheck.Rejected end = assertInstanceOf(GrammarCheck.Rejected.class,
                database.checkGrammar("SELECT id FROM t WHERE id = 1 AND", Duration.ofSeconds(2)));
        assertEquals("syntax error at end of input", end.message());
        assertEquals(34, end.position());
        // PostgreSQL counts characters (code points), not UTF-16 units: the emoji is one (in Java chars FORM is the 18th)
        GrammarCheck.Rejected emoji = assertInstanceOf(GrammarCheck.Rejected.class,
                database.checkGrammar("SELECT '\uD83D\uDE00' AS x FORM t", Duration.ofSeconds(2)));
        assertEquals("syntax error at or near \"FORM\"", emoji.message());
        assertEquals(17, emoji.position());
    }

    @Test
    void onlyTheGrammarIsCheckedSoNoNameIsLookedUpAndNothingRuns() throws SQLException {
        String before;
        try (Connection connection = db.get().connect()) {
            before = state(connection);
        }
        long started = System.nanoTime();
        for (String sql : List.of("SELECT pg_sleep(5)", "SELECT nosuch FROM nosuch_table",
                "INSERT INTO t VALUES (1, 2, 3)",
                "INSERT INTO nosuch_table VALUES (1)", "SELECT nextval('s')", "DELETE FROM t")) {
            assertInstanceOf(GrammarCheck.Accepted.class, database.checkGrammar(sql, Duration.ofSeconds(2)), sql);
        }
        assertTrue((System.nanoTime() - started) / 1_000_000 < 3_000, "no statement ran");
        // a statement that is not preparable is a grammar error at its first word
        GrammarCheck.Rejected create = assertInstanceOf(GrammarCheck.Rejected.class,
                database.checkGrammar("CREATE TABLE parse_only_wrapped ()", Duration.ofSeconds(2)));
        assertEquals(1, create.position());
        try (Connection connection = db.get().connect()) {
            assertEquals(before, state(connection));
        }
    }

    @Test
    void aDatabaseThatCannotBeAskedIsUnanswered() {
        Database closed = PoolFixture.database(db.get(), PoolFixture.settings("closed", 0, 1, Duration.ofSeconds(1)),
                Ticker.system());
        closed.close();
        assertInstanceOf(GrammarCheck.Unanswered.class, closed.checkGrammar("SELEC 1", Duration.ofSeconds(1)));
    }
}
