package io.pgmcp.db;

import java.util.List;

/**
 * Statements on one connection, for readers above {@code db} that must not see JDBC (the catalog
 * loader, the role check): inside {@link Database#read} the calls run in that call's read-only
 * transaction; on a {@link DirectConnection}, in autocommit. Not thread-safe: one caller at a time.
 */
public interface SqlSession {

    /** Handles one row; the row is valid only during the call. */
    @FunctionalInterface
    interface RowHandler {
        void row(Row row) throws DatabaseException;
    }

    /** Runs a statement that returns no rows the caller wants ({@code SET LOCAL ...}). */
    void execute(String sql) throws DatabaseException;

    /**
     * Runs a query with {@code ?} parameters and hands each row to {@code handler}, fetching
     * {@code fetchSize} rows per round trip.
     *
     * @param parameters each a {@code String} (bound as text) or a {@code List<String>} (bound as {@code text[]})
     */
    void query(String sql, List<?> parameters, int fetchSize, RowHandler handler) throws DatabaseException;
}
