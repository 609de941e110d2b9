package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.FaultProxy;
import io.pgmcp.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The settings a connection is opened with and what the one-round-trip reset at the end of every call
 * leaves: the statement and lock timeouts fixed at login work as the {@code SET LOCAL} ones do, session state
 * made in a call — even state committed inside it — is gone before the next call on the same connection,
 * and a connection whose reset fails is closed, never lent again.
 */
@Timeout(60)
class SessionResetTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("""
            CREATE TABLE t (id int PRIMARY KEY, name text);
            INSERT INTO t VALUES (1, 'a'), (2, 'b');
            CREATE ROLE other;
            CREATE SCHEMA "Odd ""Name"" \\x\ty";
            """);

    /** Quotes, a space, a backslash and a tab: what the startup options must escape or quote. */
    private static final String ODD_SCHEMA = "Odd \"Name\" \\x\ty";

    /** A database whose connections have {@code timeout} as their session default, with one connection. */
    private static Database withDefaultTimeout(String name, Duration timeout) {
        PgConnectionFactory factory = new PgConnectionFactory(
                DatabaseConfig.of(name, ConnectionTarget.parse(db.get().postgresUrl())), timeout);
        return new Database(name,
                new ConnectionPool(PoolFixture.settings(name, 0, 1, Duration.ofSeconds(10)), factory, Ticker.system()),
                PoolFixture.defaults(name));
    }

    private static ExecutionLimits limits(Duration timeout) {
        return new ExecutionLimits(100, 1 << 20, timeout, List.of("public"));
    }

    @Test
    void statementTimeoutFixedAtLoginStopsTheQuery() throws Exception {
        Duration timeout = Duration.ofMillis(600);
        try (Database database = withDefaultTimeout("login-timeout", timeout)) {
            long pid = pid(database, timeout);
            long started = System.nanoTime();
            DatabaseException e = assertThrows(DatabaseException.class,
                    () -> database.query("SELECT pg_sleep(5)", limits(timeout), CancelSignal.NONE));
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertEquals("57014", e.failure().sqlState(), e.getMessage());
            assertTrue(tookMs >= 550 && tookMs < 3_000, "stopped after " + tookMs + " ms by a 600 ms timeout");
            assertEquals(pid, pid(database, timeout), "the same connection serves the next call");
        }
    }

    @Test
    void lockTimeoutEndsAWaitForALockHeldByAnotherSession() throws Exception {
        Duration timeout = Duration.ofMillis(1000);
        try (Database fixedAtLogin = withDefaultTimeout("login-lock", timeout);
                Database setLocal = withDefaultTimeout("local-lock", Duration.ofSeconds(30));
                Connection holder = db.get().connect();
                Statement lock = holder.createStatement()) {
            holder.setAutoCommit(false);
            lock.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
            for (Database database : List.of(fixedAtLogin, setLocal)) {
                long started = System.nanoTime();
                DatabaseException e = assertThrows(DatabaseException.class,
                        () -> database.query("SELECT count(*) FROM t", limits(timeout), CancelSignal.NONE));
                long tookMs = (System.nanoTime() - started) / 1_000_000;
                assertEquals("55P03", e.failure().sqlState(), database.name() + ": " + e.getMessage());
                assertEquals(SqlFailure.Kind.TIMEOUT, e.failure().kind());
                assertTrue(tookMs >= 850 && tookMs < 3_000, database.name() + ": waited " + tookMs + " ms");
            }
            holder.rollback();
        }
    }

    @Test
    void postgresReportsALockWaitAsAStatementTimeoutWhenBothTimeoutsAreEqual() throws Exception {
        // why lock_timeout is shorter than statement_timeout: with both equal, 55P03 never shows
        try (Connection holder = db.get().connect();
                Statement lock = holder.createStatement();
                Connection waiter = db.get().connect();
                Statement wait = waiter.createStatement()) {
            holder.setAutoCommit(false);
            lock.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
            wait.execute("SET statement_timeout = 500");
            wait.execute("SET lock_timeout = 500");
            SQLException e = assertThrows(SQLException.class, () -> wait.execute("SELECT count(*) FROM t"));
            assertEquals("57014", e.getSQLState(), e.getMessage());
            holder.rollback();
        }
    }

    @Test
    void sessionStateOfACallIsGoneBeforeTheNextCall() throws Exception {
        Duration timeout = Duration.ofSeconds(30); // the connections' default: the calls send no SET
        try (Database database = withDefaultTimeout("state", timeout)) {
            List<Object> clean = state(database, timeout);
            assertEquals(List.of("pg-mcp", "on", "30s", "27s", "{public}", 0L, 0L, 0L, 0L, true), clean.subList(0, 10));

            database.query(
                    "SELECT set_config('search_path', 'pg_catalog', false), set_config('work_mem', '1MB', false),"
                            + " set_config('role', 'other', false), pg_advisory_lock(1)",
                    limits(timeout), CancelSignal.NONE);
            assertEquals(clean, state(database, timeout), "session GUCs, role and advisory lock");

            DatabaseException failed = assertThrows(DatabaseException.class,
                    () -> database.query("SELECT set_config('work_mem', '2MB', false), pg_advisory_lock(2), 1 / 0",
                            limits(timeout), CancelSignal.NONE));
            assertEquals("22012", failed.failure().sqlState());
            assertEquals(clean, state(database, timeout), "after a statement that failed the transaction");

            // a COMMIT inside a call (read() runs several statements) makes session state stick past the
            // transaction: only the reset takes it back
            database.read(timeout, List.of("public"), session -> {
                session.execute("SELECT set_config('search_path', 'pg_catalog', false), set_config('work_mem', '3MB',"
                        + " false), set_config('statement_timeout', '1h', false), set_config('role', 'other', false),"
                        + " pg_advisory_lock(3)");
                session.execute("LISTEN pgmcp_channel");
                session.execute("DECLARE held CURSOR WITH HOLD FOR SELECT 1");
                session.execute("COMMIT");
                return null;
            });
            assertEquals(clean, state(database, timeout), "state committed inside the call");

            // COMMIT AND CHAIN commits what came before and leaves a transaction open: a work of several
            // statements gets the full reset after its rollback, not only the rollback
            database.read(timeout, List.of("public"), session -> {
                session.execute("SELECT set_config('work_mem', '4MB', false), set_config('role', 'other', false)");
                session.execute("LISTEN pgmcp_chained");
                session.execute("DECLARE chained CURSOR WITH HOLD FOR SELECT 1");
                session.execute("COMMIT AND CHAIN");
                return null;
            });
            assertEquals(clean, state(database, timeout), "state committed by a chained commit inside the call");
            // a call of one statement that ends the transaction has nothing of its own to commit
            assertThrows(DatabaseException.class,
                    () -> database.query("COMMIT AND CHAIN", limits(timeout), CancelSignal.NONE));
            assertEquals(clean, state(database, timeout), "a lone COMMIT AND CHAIN");
            assertTrue(database.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(new PoolStats(1, 1, 0, 0), database.poolStats(), "reset, never evicted");
        }
    }

    @Test
    void repeatedCallsLeaveNoPreparedStatementOnTheServer() throws Exception {
        // pgjdbc server-prepares nothing (prepareThreshold=0): with a threshold, a plain Statement's SQL got a new
        // server-side statement on many executions, each living until the client's garbage collector found the
        // old query object, so a backend's prepared statements (and the reset's count of them) grew without bound
        Duration timeout = Duration.ofSeconds(30);
        try (Database database = withDefaultTimeout("no-prepared", timeout)) {
            for (int call = 0; call < 20; call++) {
                database.query("SELECT name FROM t WHERE id = 1", limits(timeout), CancelSignal.NONE);
            }
            assertEquals(0L, database.query("SELECT count(*) FROM pg_prepared_statements", limits(timeout),
                    CancelSignal.NONE).rows().get(0).get(0));
        }
    }

    @Test
    void sqlPreparedStatementClosesTheConnection() throws Exception {
        Duration timeout = Duration.ofSeconds(30);
        try (Database database = withDefaultTimeout("prepared", timeout)) {
            long pid = pid(database, timeout);
            // no result set: the call fails, after PREPARE ran (and a rollback does not undo it)
            assertThrows(DatabaseException.class,
                    () -> database.query("PREPARE p AS SELECT 1", limits(timeout), CancelSignal.NONE));
            assertEquals(new PoolStats(0, 0, 0, 0), database.poolStats(), "the reset cannot remove it: evicted");
            assertNotEquals(pid, pid(database, timeout));
            assertEquals(0L, database.query("SELECT count(*) FROM pg_prepared_statements WHERE from_sql",
                    limits(timeout), CancelSignal.NONE).rows().get(0).get(0));
        }
    }

    @Test
    void connectionWhoseResetFailsIsNotReused() throws Exception {
        Duration timeout = Duration.ofSeconds(30);
        try (FaultProxy proxy = FaultProxy.to(db.get());
                Database database = new Database("reset-fails", new ConnectionPool(
                        PoolFixture.settings("reset-fails", 0, 1, Duration.ofSeconds(10)),
                        new PgConnectionFactory(DatabaseConfig.of("reset-fails",
                                ConnectionTarget.parse(proxy.postgresUrl(db.get()))), timeout),
                        Ticker.system()), PoolFixture.defaults("reset-fails"))) {
            long pid = pid(database, timeout);
            Long read = database.read(timeout, List.of("public"), session -> {
                session.execute("SELECT 1");
                proxy.cutAll(); // the work is done; the reset that follows meets a dead link
                return 42L;
            });
            assertEquals(42L, read, "the call's result stands");
            assertTrue(database.awaitIdle(Duration.ofSeconds(10)), "the reset ends");
            assertEquals(new PoolStats(0, 0, 0, 0), database.poolStats(), "closed, not returned to the pool");
            assertNotEquals(pid, pid(database, timeout), "the next call gets a new connection");
        }
    }

    @Test
    void searchPathFixedAtLoginKeepsOddSchemaNamesIntact() throws Exception {
        List<String> path = List.of("public", ODD_SCHEMA);
        PgConnectionFactory factory = factoryWithSchemas("odd", path);
        assertEquals(Optional.of(path), factory.sessionDefaults().orElseThrow().searchPath());
        try (Database database = new Database("odd",
                new ConnectionPool(PoolFixture.settings("odd", 0, 1, Duration.ofSeconds(10)), factory, Ticker.system()),
                PoolFixture.defaults("odd"))) {
            ResultTable schemas = database.query("SELECT s FROM unnest(current_schemas(false)) s",
                    new ExecutionLimits(10, 1 << 20, Duration.ofSeconds(30), path), CancelSignal.NONE);
            assertEquals(List.of(List.of("public"), List.of(ODD_SCHEMA)), schemas.rows());
        }
    }

    @Test
    void searchPathBeyondPrintableAsciiIsSetByEachCall() throws Exception {
        // the startup packet is read in the database's encoding: such a name could arrive garbled
        List<String> path = List.of("public", "sch\u00e9ma");
        PgConnectionFactory factory = factoryWithSchemas("accent", path);
        assertEquals(Optional.empty(), factory.sessionDefaults().orElseThrow().searchPath());
        try (Database database = new Database("accent",
                new ConnectionPool(PoolFixture.settings("accent", 0, 1, Duration.ofSeconds(10)), factory,
                        Ticker.system()),
                PoolFixture.defaults("accent"))) {
            ResultTable shown = database.query("SHOW search_path",
                    new ExecutionLimits(10, 1 << 20, Duration.ofSeconds(30), path), CancelSignal.NONE);
            assertEquals("public, \"sch\u00e9ma\"", shown.rows().get(0).get(0));
        }
    }

    private static PgConnectionFactory factoryWithSchemas(String name, List<String> schemas) {
        AccessPolicyConfig defaults = AccessPolicyConfig.defaults();
        AccessPolicyConfig policy = new AccessPolicyConfig(schemas, defaults.tables(), defaults.columns(),
                defaults.explainPolicy(), defaults.functions());
        return new PgConnectionFactory(
                DatabaseConfig.of(name, ConnectionTarget.parse(db.get().postgresUrl())).withAccessPolicy(policy),
                Duration.ofSeconds(30));
    }

    /**
     * What a call sees of its session: application_name, default_transaction_read_only, statement and lock
     * timeouts, the schemas searched, advisory locks, prepared statements, LISTEN channels, held cursors,
     * whether the current user is the session user, work_mem and the backend.
     */
    private static List<Object> state(Database database, Duration timeout) throws Exception {
        return database.query("""
                SELECT current_setting('application_name'), current_setting('default_transaction_read_only'),
                       current_setting('statement_timeout'), current_setting('lock_timeout'),
                       current_schemas(false)::text,
                       (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()),
                       (SELECT count(*) FROM pg_prepared_statements WHERE from_sql),
                       (SELECT count(*) FROM pg_listening_channels()),
                       (SELECT count(*) FROM pg_cursors WHERE is_holdable),
                       current_user = session_user, current_setting('work_mem'), pg_backend_pid()
                """, limits(timeout), CancelSignal.NONE).rows().get(0);
    }

    private static long pid(Database database, Duration timeout) throws Exception {
        return ((Number) database.query("SELECT pg_backend_pid()", limits(timeout), CancelSignal.NONE).rows().get(0)
                .get(0)).longValue();
    }
}
