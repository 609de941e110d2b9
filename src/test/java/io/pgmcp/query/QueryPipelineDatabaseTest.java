package io.pgmcp.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.ServerConfig;
import io.pgmcp.db.CancelSignal;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.db.ConnectionPool;
import io.pgmcp.db.Database;
import io.pgmcp.db.DatabaseException;
import io.pgmcp.db.ExecutionLimits;
import io.pgmcp.db.PgConnectionFactory;
import io.pgmcp.db.PoolSettings;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.sql.AccessPolicy;
import io.pgmcp.sql.SqlGuard;
import io.pgmcp.testing.PostgresDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pipeline over a real database: the catalog loads on first use, and every kind of database
 * failure becomes its documented error code.
 */
class QueryPipelineDatabaseTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("CREATE TABLE t (id int PRIMARY KEY)", """
            CREATE FUNCTION raise_state(state text) RETURNS int LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'raised %', state USING ERRCODE = state; END $$""");

    private static final ServerConfig SERVER = ServerConfig.defaults();

    private static Target target(DatabaseConfig config) {
        return Targets.create(new DatabaseConfig(config.name(), config.target(), 0, 2, config.accessPolicy()), SERVER,
                new CatalogLoader(Clock.systemUTC()), Ticker.system());
    }

    private static Target reachable() {
        return target(DatabaseConfig.of("main", ConnectionTarget.parse(db.get().postgresUrl())));
    }

    /** Runs {@code sql} on a fresh target and maps its failure as the pipeline does. */
    private static QueryOutcome.Failure failureOf(String sql, Duration timeout) {
        Target target = reachable();
        try (Database database = target.database()) {
            QueryPipeline pipeline = new QueryPipeline(new DatabaseRouter(List.of(target)), SERVER);
            DatabaseException e = assertThrows(DatabaseException.class, () -> database.query(sql,
                    new ExecutionLimits(10, 1 << 20, timeout, target.policy().searchPath()), CancelSignal.NONE));
            return assertInstanceOf(QueryOutcome.Failure.class, pipeline.failure(target, e, e instanceof Database.CancelledException));
        }
    }

    @Test
    void catalogIsLoadedOnFirstUse() {
        Target target = reachable();
        try {
            assertTrue(target.catalog().current().isEmpty());
            new QueryPipeline(new DatabaseRouter(List.of(target)), SERVER)
                    .executeSql("SELECT id FROM t", Optional.empty(), null, CancelSignal.NONE, QueryPipeline.Progress.NONE);
            assertTrue(target.catalog().current().orElseThrow().table("public", "t").isPresent());
        } finally {
            target.database().close();
        }
    }

    @Test
    void unreachableDatabaseIsAConnectionErrorWithoutThePassword() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Target target = target(DatabaseConfig.of("down",
                ConnectionTarget.parse("postgresql://someone:s3cret-pw@127.0.0.1:" + closedPort + "/nowhere")));
        try (Database database = target.database()) {
            QueryOutcome outcome = new QueryPipeline(new DatabaseRouter(List.of(target)), SERVER)
                    .executeSql("SELECT 1", Optional.empty(), null, CancelSignal.NONE, QueryPipeline.Progress.NONE);
            QueryOutcome.Failure failure = assertInstanceOf(QueryOutcome.Failure.class, outcome);
            assertEquals(ErrorCode.CONNECTION_ERROR, failure.code(), failure.message());
            assertTrue(failure.message().contains("'down' (127.0.0.1:" + closedPort + "/nowhere)"), failure.message());
            assertFalse((failure.message() + failure.details()).contains("s3cret-pw"), "no password in " + failure);
            assertEquals(0, database.poolStats().total(), "no slot leaked by the failed open");
        }
    }

    @Test
    void rejectedLoginIsAConnectionErrorNotASyntaxError() {
        String wrongPassword = db.get().postgresUrl(db.get().user(), "not-the-password");
        String unknownDatabase = db.get().postgresUrl().replace("/" + db.get().name(), "/no_such_database");
        for (String url : List.of(wrongPassword, unknownDatabase)) {
            Target target = target(DatabaseConfig.of("main", ConnectionTarget.parse(url)));
            try (Database database = target.database()) {
                QueryOutcome outcome = new QueryPipeline(new DatabaseRouter(List.of(target)), SERVER)
                        .executeSql("SELECT 1", Optional.empty(), null, CancelSignal.NONE, QueryPipeline.Progress.NONE);
                QueryOutcome.Failure failure = assertInstanceOf(QueryOutcome.Failure.class, outcome);
                assertEquals(ErrorCode.CONNECTION_ERROR, failure.code(), failure.message());
                assertTrue(failure.message().startsWith("Database 'main' (" + target.config().displayTarget() + ") refused"),
                        failure.message());
                assertFalse((failure.message() + failure.details()).contains("not-the-password"), failure.toString());
                assertEquals(0, database.poolStats().total(), "no slot leaked by the refused login");
            }
        }
    }

    @Test
    void exhaustedPoolIsBusyNotUnreachable() throws Exception {
        Target target = reachable();
        DatabaseConfig config = DatabaseConfig.of("main", ConnectionTarget.parse(db.get().postgresUrl()));
        try (ConnectionPool pool = new ConnectionPool(PoolSettings.of("main", 0, 1).withAcquireTimeout(Duration.ofMillis(50)),
                new PgConnectionFactory(config, SERVER.queryTimeout()), Ticker.system());
             var held = pool.acquire()) {
            DatabaseException e = assertThrows(DatabaseException.class, pool::acquire);
            QueryOutcome.Failure failure = assertInstanceOf(QueryOutcome.Failure.class,
                    new QueryPipeline(new DatabaseRouter(List.of(target)), SERVER).failure(target, e, false));
            assertEquals(ErrorCode.CONNECTION_ERROR, failure.code());
            assertFalse(failure.message().contains("unreachable"), failure.message());
            assertTrue(failure.message().startsWith("Database 'main' is busy: all 1 of its connections"), failure.message());
            assertTrue(held.connection().isValid(1));
        } finally {
            target.database().close();
        }
    }

    @Test
    void sqlErrorIsASyntaxErrorWithSqlStateAndPosition() {
        QueryOutcome.Failure failure = failureOf("SELECT nosuchcolumn FROM t", Duration.ofSeconds(10));
        assertEquals(ErrorCode.SYNTAX_ERROR, failure.code());
        assertEquals("42703", failure.details().get("sqlstate").asText());
        assertEquals(8, failure.details().get("position").asInt());
        assertTrue(failure.message().contains("SQLSTATE 42703") && failure.message().contains("at character 8"),
                failure.message());
    }

    @Test
    void divisionByZeroInvalidInputAndDatetimeOutOfRangeAreDataErrorsNotSyntaxErrors() {
        for (String[] c : new String[][] {{"SELECT 1 / 0", "22012"},
                {"SELECT 'abc'::int", "22P02"}, {"SELECT make_date(2024, 13, 1)", "22008"}}) {
            QueryOutcome.Failure failure = failureOf(c[0], Duration.ofSeconds(10));
            assertEquals(ErrorCode.DATA_ERROR, failure.code(), c[0] + ": " + failure.message());
            assertEquals(c[1], failure.details().get("sqlstate").asText());
            assertTrue(failure.message().startsWith("PostgreSQL could not compute the result (SQLSTATE " + c[1] + "): "),
                    failure.message());
        }
    }

    @Test
    void outOfMemoryAndProgramLimitsAreResourceErrorsNotSyntaxErrors() {
        for (String state : List.of("53200", "53100", "54001")) {
            QueryOutcome.Failure failure = failureOf("SELECT raise_state('" + state + "')", Duration.ofSeconds(10));
            assertEquals(ErrorCode.RESOURCE_ERROR, failure.code(), state + ": " + failure.message());
            assertEquals(state, failure.details().get("sqlstate").asText());
            assertTrue(failure.message().contains("raised " + state) && failure.message().contains("Make the query smaller"),
                    failure.message());
        }
    }

    private static QueryOutcome.Failure executeSql(String sql) {
        Target target = reachable();
        try {
            return assertInstanceOf(QueryOutcome.Failure.class, new QueryPipeline(new DatabaseRouter(List.of(target)), SERVER)
                    .executeSql(sql, Optional.empty(), null, CancelSignal.NONE, QueryPipeline.Progress.NONE), sql);
        } finally {
            target.database().close();
        }
    }

    @Test
    void misspeltKeywordIsASyntaxErrorInPostgresqlsWordsNotTheParserLibrarys() {
        QueryOutcome.Failure selec = executeSql("SELEC id FROM t");
        assertEquals(ErrorCode.SYNTAX_ERROR, selec.code(), selec.message());
        assertEquals("PostgreSQL rejected the SQL (SQLSTATE 42601): syntax error at or near \"SELEC\" at character 1 (line 1, "
                + "column 1). Correct the SQL (PostgreSQL dialect, one read-only query).", selec.message());
        assertEquals(1, selec.details().get("position").asInt());
        QueryOutcome.Failure end = executeSql("SELECT id FROM t WHERE id = 1 AND");
        assertEquals(ErrorCode.SYNTAX_ERROR, end.code(), end.message());
        assertTrue(end.message().contains("syntax error at end of input at character 34 (line 1, column 34)"), end.message());
        QueryOutcome.Failure lines = executeSql("SELECT id\nFROM t\nWHERE id IN (1,,2)");
        assertEquals(ErrorCode.SYNTAX_ERROR, lines.code(), lines.message());
        assertTrue(lines.message().contains("syntax error at or near \",\" at character 33 (line 3, column 16)"), lines.message());
        for (QueryOutcome.Failure failure : List.of(selec, end, lines)) {
            assertFalse(failure.message().contains("Encountered") || failure.message().contains("lexical state"), failure.message());
        }
    }

    @Test
    void validPostgresqlThePgMcpParserCannotReadIsUnsafeSqlWithoutLibraryInternals() {
        QueryOutcome.Failure failure = executeSql("SELECT - -id FROM t");
        assertEquals(ErrorCode.UNSAFE_SQL, failure.code(), failure.message());
        assertTrue(failure.message().startsWith("pg-mcp cannot analyse this construct yet"), failure.message());
        assertEquals(ErrorCode.UNSAFE_SQL, executeSql("VACUUM t").code());
    }

    @Test
    void nameErrorsBehindASyntaxErrorAreNotLookedUp() {
        // were the statement analysed, PostgreSQL would answer 42P01 or "more expressions than target columns" (an
        // oracle for what exists); only its grammar is consulted, so both read the same as any other unreadable SQL
        QueryOutcome.Failure missing = executeSql("SELECT - -id FROM nosuch_table");
        QueryOutcome.Failure existing = executeSql("SELECT - -id FROM t");
        assertEquals(existing.code(), missing.code());
        assertEquals(existing.message(), missing.message());
    }

    @Test
    void statementTimeoutIsAnExecutionTimeout() {
        QueryOutcome.Failure failure = failureOf("SELECT pg_sleep(5)", Duration.ofMillis(200));
        assertEquals(ErrorCode.EXECUTION_TIMEOUT, failure.code(), failure.message());
        assertEquals("57014", failure.details().get("sqlstate").asText());
        assertTrue(failure.details().has("timeout_seconds"));
    }

    @Test
    void writeIsUnsafeSql() {
        QueryOutcome.Failure failure = failureOf("INSERT INTO t VALUES (1)", Duration.ofSeconds(10));
        assertEquals(ErrorCode.UNSAFE_SQL, failure.code(), failure.message());
        assertEquals("25006", failure.details().get("sqlstate").asText());
    }
}
