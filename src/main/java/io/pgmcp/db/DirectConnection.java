package io.pgmcp.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * One connection of its own, outside any pool, in autocommit: for a one-off check of a database
 * ({@code --validate-config --check-connections}). Not thread-safe.
 */
public final class DirectConnection implements SqlSession, AutoCloseable {
    private final Connection connection;
    private final JdbcSession session;

    private DirectConnection(Connection connection) {
        this.connection = connection;
        this.session = new JdbcSession(connection);
    }

    /**
     * Opens a connection from {@code factory}.
     *
     * @throws DatabaseException when it cannot be opened
     */
    public static DirectConnection open(ConnectionFactory factory) throws DatabaseException {
        try {
            return new DirectConnection(factory.open());
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }

    @Override
    public void execute(String sql) throws DatabaseException {
        session.execute(sql);
    }

    @Override
    public void query(String sql, List<?> parameters, int fetchSize, RowHandler handler) throws DatabaseException {
        session.query(sql, parameters, fetchSize, handler);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // a connection that fails to close holds nothing this check needs
        }
    }
}
