package io.pgmcp.db;

import java.sql.SQLException;
import java.util.Objects;

/**
 * A call to the database failed: PostgreSQL refused the statement, the connection broke, the pool
 * had nothing to lend, the database is known to be down, or the client cancelled. {@link #failure()}
 * says which, by SQLSTATE, with the server's details. The driver's exception, when there was one, is
 * the cause.
 */
public class DatabaseException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient SqlFailure failure;

    protected DatabaseException(String message, SqlFailure failure, Throwable cause) {
        super(message, cause);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    /** Wraps the driver's exception, classified ({@link SqlFailure#of(SQLException, boolean)}). */
    static DatabaseException of(SQLException e) {
        return new DatabaseException(e.getMessage(), SqlFailure.of(e, false), e);
    }

    /** A failure found by pg-mcp itself, with its SQLSTATE. */
    static DatabaseException of(String message, SqlState state) {
        return of(new SQLException(message, state.code()));
    }

    /** What kind of failure this is, its SQLSTATE and the server's details. */
    public SqlFailure failure() {
        return failure;
    }
}
