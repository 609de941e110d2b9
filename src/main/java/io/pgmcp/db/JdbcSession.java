package io.pgmcp.db;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** {@link SqlSession} over a JDBC connection; the owner of the connection decides the transaction. */
final class JdbcSession implements SqlSession {
    private final Connection connection;

    JdbcSession(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void execute(String sql) throws DatabaseException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }

    @Override
    public void query(String sql, List<?> parameters, int fetchSize, RowHandler handler) throws DatabaseException {
        try {
            runQuery(sql, parameters, fetchSize, handler);
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }

    /** As {@link #query}, for the work of a {@link Database} call, which classifies the driver's exceptions itself. */
    void runQuery(String sql, List<?> parameters, int fetchSize, RowHandler handler)
            throws SQLException, DatabaseException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setFetchSize(fetchSize);
            for (int i = 0; i < parameters.size(); i++) {
                Object parameter = parameters.get(i);
                if (parameter instanceof String text) {
                    statement.setString(i + 1, text);
                } else if (parameter instanceof List<?> list) {
                    statement.setArray(i + 1, connection.createArrayOf("text", list.toArray()));
                } else {
                    throw new IllegalArgumentException(
                            "parameter " + (i + 1) + " is neither a String nor a List<String>: "
                                    + (parameter == null ? "null" : parameter.getClass().getName()));
                }
            }
            try (ResultSet rs = statement.executeQuery()) {
                ResultSetRow row = new ResultSetRow(rs);
                while (rs.next()) {
                    handler.row(row);
                }
            }
        }
    }

    /** A {@link Row} over the current row of a result set. */
    private record ResultSetRow(ResultSet rs) implements Row {
        @Override
        public String text(int column) throws DatabaseException {
            try {
                return rs.getString(column);
            } catch (SQLException e) {
                throw DatabaseException.of(e);
            }
        }

        @Override
        public long int8(int column) throws DatabaseException {
            try {
                return rs.getLong(column);
            } catch (SQLException e) {
                throw DatabaseException.of(e);
            }
        }

        @Override
        public short int2(int column) throws DatabaseException {
            try {
                return rs.getShort(column);
            } catch (SQLException e) {
                throw DatabaseException.of(e);
            }
        }

        @Override
        public double float8(int column) throws DatabaseException {
            try {
                return rs.getDouble(column);
            } catch (SQLException e) {
                throw DatabaseException.of(e);
            }
        }

        @Override
        public boolean bool(int column) throws DatabaseException {
            try {
                return rs.getBoolean(column);
            } catch (SQLException e) {
                throw DatabaseException.of(e);
            }
        }

        @Override
        public List<String> textArray(int column) throws DatabaseException {
            try {
                Array array = rs.getArray(column);
                if (array == null) {
                    return null;
                }
                try {
                    return Collections.unmodifiableList(Arrays.asList((String[]) array.getArray()));
                } finally {
                    array.free();
                }
            } catch (SQLException e) {
                throw DatabaseException.of(e);
            }
        }

        @Override
        public List<Short> int2Array(int column) throws DatabaseException {
            try {
                Array array = rs.getArray(column);
                if (array == null) {
                    return null;
                }
                try {
                    Object value = array.getArray();
                    if (value instanceof Short[] boxed) {
                        return List.of(boxed);
                    }
                    List<Short> shorts = new ArrayList<>();
                    for (Number number : (Number[]) value) {
                        shorts.add(number.shortValue());
                    }
                    return List.copyOf(shorts);
                } finally {
                    array.free();
                }
            } catch (SQLException e) {
                throw DatabaseException.of(e);
            }
        }
    }
}
