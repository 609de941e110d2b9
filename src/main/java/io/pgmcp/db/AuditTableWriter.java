package io.pgmcp.db;

import io.pgmcp.audit.AuditTable;
import io.pgmcp.audit.AuditTableException;
import io.pgmcp.config.ConnectionTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * The {@code pg_mcp_audit} table for the audit log's database sink: connections of its own, opened
 * with pgjdbc's {@link Driver} directly ({@code ApplicationName=pg-mcp-audit},
 * {@value AuditTable#TIMEOUT_SECONDS} s timeouts), never pooled query connections; the table created
 * when missing; single and batch inserts. A failure counts as unreachable when it is connection-class
 * ({@link SqlState#isConnectionFailure}).
 */
public final class AuditTableWriter implements AuditTable {
    static final String TABLE = "pg_mcp_audit";

    private static final System.Logger logger = System.getLogger(AuditTableWriter.class.getName());
    private static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS " + TABLE
            + " (id bigserial PRIMARY KEY, recorded_at timestamptz NOT NULL DEFAULT now(), event jsonb NOT NULL)";
    private static final String INDEX = TABLE + "_event_id";
    private static final String CREATE_INDEX = "CREATE UNIQUE INDEX IF NOT EXISTS " + INDEX + " ON " + TABLE
            + " ((event->>'event_id'))";
    private static final String INSERT_ONCE = "INSERT INTO " + TABLE + " (event) VALUES (?::jsonb)"
            + " ON CONFLICT ((event->>'event_id')) DO NOTHING";
    private static final String INSERT_PLAIN = "INSERT INTO " + TABLE + " (event) VALUES (?::jsonb)";

    private final Driver driver = new Driver();
    private final ConnectionTarget target;

    public AuditTableWriter(ConnectionTarget target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    @Override
    public Session open() throws AuditTableException {
        Connection connection = null;
        try {
            connection = connect();
            String insertSql = prepare(connection);
            return new TableSession(connection, insertSql, connection.prepareStatement(insertSql));
        } catch (SQLException e) {
            if (connection != null) {
                closeQuietly(connection);
            }
            throw failure(e);
        }
    }

    /** One connection, with its prepared single-row insert. */
    private record TableSession(Connection connection, String insertSql, PreparedStatement insert) implements Session {
        @Override
        public void insert(String line) throws AuditTableException {
            try {
                insert.setString(1, line);
                insert.executeUpdate();
            } catch (SQLException e) {
                throw failure(e);
            }
        }

        @Override
        public void insertAll(List<String> lines) throws AuditTableException {
            try {
                AuditTableWriter.insertAll(connection, insertSql, lines);
            } catch (SQLException e) {
                throw failure(e);
            }
        }

        @Override
        public void close() {
            closeQuietly(connection);
        }
    }

    private static AuditTableException failure(SQLException e) {
        String message = e.getSQLState() != null ? "SQLSTATE " + e.getSQLState() + ": " + e.getMessage() : e.toString();
        return new AuditTableException(message, SqlState.isConnectionFailure(e), e);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // a connection being dropped because it failed may fail to close too; it holds nothing
        }
    }

    /** A new autocommit connection of the sink's own; the caller closes it. */
    private Connection connect() throws SQLException {
        Properties properties = new Properties();
        target.user().ifPresent(user -> properties.setProperty("user", user));
        target.password().ifPresent(password -> properties.setProperty("password", password.reveal()));
        properties.setProperty("ApplicationName", "pg-mcp-audit");
        properties.setProperty("connectTimeout", Integer.toString(AuditTable.TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", Integer.toString(AuditTable.TIMEOUT_SECONDS));
        properties.setProperty("socketTimeout", Integer.toString(AuditTable.TIMEOUT_SECONDS));
        properties.setProperty("tcpKeepAlive", "true");
        Connection opened = driver.connect(target.jdbcUrl(), properties);
        if (opened == null) {
            throw new SQLException("pgjdbc does not accept the URL " + target.jdbcUrl(),
                    SqlState.CONNECTION_EXCEPTION.code() + "001");
        }
        return opened;
    }

    /**
     * Creates the table and its {@code event_id} index when missing, and returns the INSERT to use:
     * with {@code ON CONFLICT} when the index exists, plain when it is missing and we may not create
     * it or may not read the {@code event} column ({@code ON CONFLICT} needs SELECT on it). Nothing
     * is created unless missing, so a role with only INSERT on a table an administrator made (and
     * USAGE on its sequence) is enough: PostgreSQL 15 and later give no CREATE on {@code public},
     * and {@code CREATE ... IF NOT EXISTS} checks that privilege first.
     */
    private String prepare(Connection c) throws SQLException {
        try (Statement statement = c.createStatement()) {
            if (!exists(statement, TABLE)) {
                try {
                    statement.execute(CREATE_TABLE);
                } catch (SQLException e) {
                    // two processes creating the table at once: one loses a catalog race, the table exists now
                    if (!SqlState.UNIQUE_VIOLATION.matches(e.getSQLState())
                            && !SqlState.DUPLICATE_TABLE.matches(e.getSQLState())) {
                        throw e;
                    }
                }
            }
            if (!exists(statement, INDEX)) {
                try {
                    statement.execute(CREATE_INDEX);
                } catch (SQLException e) {
                    if (!SqlState.INSUFFICIENT_PRIVILEGE.matches(e.getSQLState())) {
                        throw e;
                    }
                    logger.log(System.Logger.Level.WARNING, "The audit table " + TABLE + " in " + target.displayTarget()
                            + " has no unique index " + INDEX + " and this role may not create it, so an event whose"
                            + " insert was acknowledged too late may be stored twice; have its owner run: "
                            + CREATE_INDEX);
                    return INSERT_PLAIN;
                }
            }
            if (!canReadEvents(statement)) {
                // ON CONFLICT reads the arbiter index's column, which takes SELECT on it
                logger.log(System.Logger.Level.WARNING, "This role may insert into the audit table " + TABLE + " in "
                        + target.displayTarget() + " but not read its event column, so an event whose insert was"
                        + " acknowledged too late may be stored twice; for exactly once, GRANT SELECT (event) ON "
                        + TABLE + " to it");
                return INSERT_PLAIN;
            }
        }
        return INSERT_ONCE;
    }

    /** Inserts {@code lines} in order in one transaction; leaves the connection in autocommit. */
    private static void insertAll(Connection c, String insertSql, List<String> lines) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement batch = c.prepareStatement(insertSql)) {
            for (String line : lines) {
                batch.setString(1, line);
                batch.addBatch();
            }
            batch.executeBatch();
            c.commit();
        }
        c.setAutoCommit(true);
    }

    private static boolean canReadEvents(Statement statement) throws SQLException {
        try (ResultSet row = statement
                .executeQuery("SELECT has_column_privilege('" + TABLE + "', 'event', 'SELECT')")) {
            row.next();
            return row.getBoolean(1);
        }
    }

    private static boolean exists(Statement statement, String relation) throws SQLException {
        try (ResultSet row = statement.executeQuery("SELECT to_regclass('" + relation + "') IS NOT NULL")) {
            row.next();
            return row.getBoolean(1);
        }
    }
}
