package io.pgmcp.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.ServerConfig;
import io.pgmcp.db.CancelSignal;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.db.Database;
import io.pgmcp.db.ConnectionPool;
import io.pgmcp.db.DatabaseException;
import io.pgmcp.db.ExecutionLimits;
import io.pgmcp.db.PgConnectionFactory;
import io.pgmcp.db.PoolSettings;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.sql.RefusalDetails;
import io.pgmcp.testing.PostgresDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pipeline over a real database: the catalog loads on first use, unreachable databases and
 * refused logins are connection errors, and SQL only PostgreSQL's grammar can judge is refused in its
 * words (the wording of each kind of database failure: {@link DatabaseFailuresTest}).
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

    @Test
    void catalogIsLoadedOnFirstUse() {
        Target target = reachable();
        try {
            assertTrue(target.catalog().current().isEmpty());
            new QueryPipeline(new DatabaseRouter(List.of(target)), SERVER)
                    .executeSql("SELECT id FROM t", Optional.empty(), null, CancelSignal.NONE,
                            QueryPipeline.Progress.NONE);
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
                assertTrue(
                        failure.message()
                                .startsWith("Database 'main' (" + target.config().displayTarget() + ") refused"),
                        failure.message());
                assertFalse((failure.message() + failure.details()).contains("not-the-password"), failure.toString());
                assertEquals(0, database.poolStats().total(), "no slot leaked by the refused login");
            }
        }
    }

    private static QueryOutcome.Failure executeSql(String sql) {
        Target target = reachable();
        try {
            return assertInstanceOf(QueryOutcome.Failure.class,
                    new QueryPipeline(new DatabaseRouter(List.of(target)), SERVER)
                            .executeSql(sql, Optional.empty(), null, CancelSignal.NONE, QueryPipeline.Progress.NONE),
                    sql);
        } finally {
            target.database().close();
        }
    }

    @Test
    void misspeltKeywordIsASyntaxErrorInPostgresqlsWordsNotTheParserLibrarys() {
        QueryOutcome.Failure selec = executeSql("SELEC id FROM t");
        assertEquals(ErrorCode.SYNTAX_ERROR, selec.code(), selec.message());
        assertEquals(
                "PostgreSQL rejected the SQL (SQLSTATE 42601): syntax error at or near \"SELEC\" at character 1 (line 1, "
                        + "column 1). Correct the SQL (PostgreSQL dialect, one read-only query).",
                selec.message());
        FailureDetails.Refused refused = assertInstanceOf(FailureDetails.Refused.class, selec.details());
        assertEquals(1, assertInstanceOf(RefusalDetails.SyntaxError.class, refused.refusal()).position());
        QueryOutcome.Failure end = executeSql("SELECT id FROM t WHERE id = 1 AND");
        assertEquals(ErrorCode.SYNTAX_ERROR, end.code(), end.message());
        assertTrue(end.message().contains("syntax error at end of input at character 34 (line 1, column 34)"),
                end.message());
        QueryOutcome.Failure lines = executeSql("SELECT id\nFROM t\nWHERE id IN (1,,2)");
        assertEquals(ErrorCode.SYNTAX_ERROR, lines.code(), lines.message());
        assertTrue(lines.message().contains("syntax error at or near \",\" at character 33 (line 3, column 16)"),
                lines.message());
        for (QueryOutcome.Failure failure : List.of(selec, end, lines)) {
            assertFalse(failure.message().contains("Encountered") || failure.message().contains("lexical state"),
                    failure.message());
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
}
