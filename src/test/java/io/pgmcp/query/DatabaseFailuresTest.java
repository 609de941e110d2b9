package io.pgmcp.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
import io.pgmcp.testing.PostgresDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every kind of failure of a real database becomes its documented error code, message and details. */
class DatabaseFailuresTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("CREATE TABLE t (id int PRIMARY KEY)", """
            CREATE FUNCTION raise_state(state text) RETURNS int LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'raised %', state USING ERRCODE = state; END $$""");

    private static final ServerConfig SERVER = ServerConfig.defaults();

    private static Target reachable() {
        DatabaseConfig config = DatabaseConfig.of("main", ConnectionTarget.parse(db.get().postgresUrl()));
        return Targets.create(new DatabaseConfig(config.name(), config.target(), 0, 2, config.accessPolicy()), SERVER,
                new CatalogLoader(Clock.systemUTC()), Ticker.system());
    }

    @Test
    void exhaustedPoolIsBusyNotUnreachable() throws Exception {
        Target target = reachable();
        DatabaseConfig config = DatabaseConfig.of("main", ConnectionTarget.parse(db.get().postgresUrl()));
        try (ConnectionPool pool = new ConnectionPool(
                PoolSettings.of("main", 0, 1).withAcquireTimeout(Duration.ofMillis(50)),
                new PgConnectionFactory(config, SERVER.queryTimeout()), Ticker.system());
                var held = pool.acquire()) {
            DatabaseException e = assertThrows(DatabaseException.class, pool::acquire);
            QueryOutcome.Failure failure = new DatabaseFailures(SERVER.queryTimeout()).of(target, e);
            assertEquals(ErrorCode.CONNECTION_ERROR, failure.code());
            assertFalse(failure.message().contains("unreachable"), failure.message());
            assertTrue(failure.message().startsWith("Database 'main' is busy: all 1 of its connections"),
                    failure.message());
            assertTrue(held.connection().isValid(1));
        } finally {
            target.database().close();
        }
    }

    @Test
    void sqlErrorIsASyntaxErrorWithSqlStateAndPosition() {
        QueryOutcome.Failure failure = failureOf("SELECT nosuchcolumn FROM t", Duration.ofSeconds(10));
        assertEquals(ErrorCode.SYNTAX_ERROR, failure.code());
        assertEquals(new FailureDetails.DatabaseError("main", "42703", 8, null), failure.details());
        assertTrue(failure.message().contains("SQLSTATE 42703") && failure.message().contains("at character 8"),
                failure.message());
    }

    @Test
    void divisionByZeroInvalidInputAndDatetimeOutOfRangeAreDataErrorsNotSyntaxErrors() {
        for (String[] c : new String[][]{{"SELECT 1 / 0", "22012"},
                {"SELECT 'abc'::int", "22P02"}, {"SELECT make_date(2024, 13, 1)", "22008"}}) {
            QueryOutcome.Failure failure = failureOf(c[0], Duration.ofSeconds(10));
            assertEquals(ErrorCode.DATA_ERROR, failure.code(), c[0] + ": " + failure.message());
            assertEquals(c[1], error(failure).sqlState());
            assertTrue(
                    failure.message().startsWith("PostgreSQL could not compute the result (SQLSTATE " + c[1] + "): "),
                    failure.message());
        }
    }

    @Test
    void outOfMemoryAndProgramLimitsAreResourceErrorsNotSyntaxErrors() {
        for (String state : List.of("53200", "53100", "54001")) {
            QueryOutcome.Failure failure = failureOf("SELECT raise_state('" + state + "')", Duration.ofSeconds(10));
            assertEquals(ErrorCode.RESOURCE_ERROR, failure.code(), state + ": " + failure.message());
            assertEquals(state, error(failure).sqlState());
            assertTrue(
                    failure.message().contains("raised " + state)
                            && failure.message().contains("Make the query smaller"),
                    failure.message());
        }
    }

    @Test
    void statementTimeoutIsAnExecutionTimeout() {
        QueryOutcome.Failure failure = failureOf("SELECT pg_sleep(5)", Duration.ofMillis(200));
        assertEquals(ErrorCode.EXECUTION_TIMEOUT, failure.code(), failure.message());
        FailureDetails.StatementTimeout timeout = assertInstanceOf(FailureDetails.StatementTimeout.class,
                failure.details());
        assertEquals("57014", timeout.sqlState());
        assertEquals(SERVER.queryTimeout().toMillis() / 1000.0, timeout.timeoutSeconds());
    }

    @Test
    void writeIsUnsafeSql() {
        QueryOutcome.Failure failure = failureOf("INSERT INTO t VALUES (1)", Duration.ofSeconds(10));
        assertEquals(ErrorCode.UNSAFE_SQL, failure.code(), failure.message());
        assertEquals("25006", error(failure).sqlState());
    }

    @Test
    void aResultWhoseFirstRowsPassMaxResultBytesIsResultTooLargeWithTheLimitAndHowToSucceed() {
        QueryOutcome.Failure failure = failureOf("SELECT repeat('x', 200000000)", Duration.ofSeconds(30));
        assertEquals(ErrorCode.RESULT_TOO_LARGE, failure.code(), failure.message());
        assertEquals("The result is too large: its first rows are over max_result_bytes (1048576 bytes as JSON; one "
                + "row may be too large by itself), so no rows could be returned. Select fewer or narrower columns, "
                + "shorten long values (left(column, 200), substr(column, 1, 200)), or add a LIMIT.",
                failure.message());
        assertEquals(new FailureDetails.ResultTooLarge("main", "54000", 1 << 20), failure.details());
    }

    /** Runs {@code sql} on a fresh target and maps its failure as the pipeline does. */
    private static QueryOutcome.Failure failureOf(String sql, Duration timeout) {
        Target target = reachable();
        try (Database database = target.database()) {
            DatabaseException e = assertThrows(DatabaseException.class, () -> database.query(sql,
                    new ExecutionLimits(10, 1 << 20, timeout, target.policy().searchPath()), CancelSignal.NONE));
            return new DatabaseFailures(SERVER.queryTimeout()).of(target, e);
        }
    }

    private static FailureDetails.DatabaseError error(QueryOutcome.Failure failure) {
        return assertInstanceOf(FailureDetails.DatabaseError.class, failure.details(), failure.message());
    }
}
