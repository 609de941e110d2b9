package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a {@code ROLLBACK} takes back, pinned on the server: the end of a call whose transaction is still open
 * sends only {@link ReadOnlyTransaction#ROLLBACK} (a rollback, advisory locks released, SQL {@code PREPARE}s
 * counted) instead of a full session reset, because PostgreSQL undoes with the transaction everything else a
 * statement can leave in a session — also what would outlive a commit. The statements run in a read-write
 * transaction here: a rollback must take back even what a read-only one would refuse.
 */
@Timeout(60)
class RollbackScopeTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("CREATE ROLE rollback_scope_other;");

    /** The session as a later call would see it: settings, identities, channels, cursors, temporary objects. */
    private static final String STATE = """
            SELECT current_setting('work_mem'), current_setting('search_path'), current_setting('statement_timeout'),
                   current_user::text, session_user::text, current_setting('default_transaction_read_only'),
                   (SELECT count(*) FROM pg_listening_channels()), (SELECT count(*) FROM pg_cursors),
                   (SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema()),
                   (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()),
                   (SELECT count(*) FROM pg_prepared_statements WHERE from_sql)""";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SET work_mem = '1MB'", "SET SESSION search_path = pg_catalog",
            "SELECT set_config('statement_timeout', '1h', false)", "SET ROLE rollback_scope_other",
            "SET SESSION AUTHORIZATION rollback_scope_other", "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
            "LISTEN rollback_scope", "DECLARE held CURSOR WITH HOLD FOR SELECT 1",
            "CREATE TEMP TABLE scratch (x int)", "CREATE TEMP SEQUENCE counter"})
    void aRollbackTakesItBack(String statement) throws SQLException {
        try (Connection connection = db.get().connect()) {
            List<Object> before = row(connection, STATE);
            connection.setAutoCommit(false);
            execute(connection, statement);
            if (!statement.startsWith("LISTEN")) { // LISTEN takes effect at commit: not seen before it
                assertNotEquals(before, row(connection, STATE), "the statement changed the session");
            }
            connection.rollback();
            connection.setAutoCommit(true);
            assertEquals(before, row(connection, STATE), statement);
        }
    }

    @Test
    void aTemporarySequenceLeavesNoValueBehind() throws SQLException {
        try (Connection connection = db.get().connect()) {
            connection.setAutoCommit(false);
            execute(connection, "CREATE TEMP SEQUENCE counter");
            assertEquals(List.of(1L), row(connection, "SELECT nextval('counter')"));
            connection.rollback();
            connection.setAutoCommit(true);
            SQLException none = assertThrows(SQLException.class, () -> row(connection, "SELECT lastval()"));
            assertEquals("55000", none.getSQLState(), "lastval is not yet defined in this session");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"CREATE TEMP TABLE scratch (x int)", "CREATE TEMP SEQUENCE counter"})
    void aReadOnlyTransactionMakesNoTemporaryObjects(String statement) throws SQLException {
        try (Connection connection = db.get().connect()) {
            connection.setAutoCommit(false);
            execute(connection, "SET TRANSACTION READ ONLY");
            SQLException refused = assertThrows(SQLException.class, () -> execute(connection, statement));
            assertEquals("25006", refused.getSQLState(), "read_only_sql_transaction");
            connection.rollback();
        }
    }

    @Test
    void advisoryLocksAndSqlPreparedStatementsOutliveIt() throws SQLException {
        try (Connection connection = db.get().connect()) {
            connection.setAutoCommit(false);
            execute(connection, "SET TRANSACTION READ ONLY");
            row(connection, "SELECT pg_advisory_lock(7)");
            execute(connection, "PREPARE kept AS SELECT 1");
            connection.rollback();
            connection.setAutoCommit(true);
            List<Object> state = row(connection, STATE);
            assertEquals(List.of(1L, 1L), state.subList(state.size() - 2, state.size()),
                    "what ReadOnlyTransaction.ROLLBACK releases and counts");
        }
    }

    @Test
    void theEndOfACallLeavesAnOpenTransactionsSessionClean() throws SQLException {
        try (Connection connection = db.get().connect()) {
            List<Object> before = row(connection, STATE);
            connection.setAutoCommit(false);
            execute(connection, "SET TRANSACTION READ ONLY");
            row(connection, "SELECT set_config('work_mem', '2MB', false), set_config('role', 'rollback_scope_other',"
                    + " false), pg_advisory_lock(8)");
            execute(connection, "LISTEN rollback_scope");
            assertTrue(ReadOnlyTransaction.endAndReset(connection, true), "clean: no SQL PREPARE");
            connection.setAutoCommit(true);
            assertEquals(before, row(connection, STATE));
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static List<Object> row(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            assertTrue(rs.next());
            Object[] values = new Object[rs.getMetaData().getColumnCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = rs.getObject(i + 1);
            }
            return List.of(values);
        }
    }
}
