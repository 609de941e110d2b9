package io.pgmcp.db;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * What kind of failure a {@link SQLException} is, decided by SQLSTATE ({@link SqlState}; never by message text), and
 * the server's details (position, hint) for messages a model can act on.
 */
public record SqlFailure(Kind kind, String sqlState, String message, Integer position, String hint, String detail) {

    /** The classes of failure the pipeline treats differently. */
    public enum Kind {
        /** statement_timeout or lock_timeout fired. */
        TIMEOUT,
        /** The statement was cancelled on the client's request. */
        CANCELLED,
        /** The connection failed or the server is going away (class 08, 57P01–57P03, an I/O failure under the driver). */
        CONNECTION,
        /**
         * PostgreSQL answered but refused the login: authentication (class 28), an unknown database
         * (3D000), too many connections (53300). Not the SQL's fault, and not transient either.
         */
        LOGIN_REJECTED,
        /** A write was attempted in the read-only transaction (25006). */
        READ_ONLY_VIOLATION,
        /** The database role lacks a privilege (42501). */
        PERMISSION,
        /**
         * The SQL is well-formed but a value broke it (class 22, data exception): division by zero,
         * invalid input syntax for a type, a datetime or number out of range.
         */
        DATA,
        /**
         * The server ran out of a resource or hit a limit (class 53 insufficient resources, except the
         * login's 53300; class 54 program limit exceeded): out of memory, disk full, stack depth.
         */
        RESOURCES,
        /**
         * Not even the first row of the result fits in {@code max_result_bytes} (pg-mcp's own limit, SQLSTATE
         * 54000): see {@link Database.ResultTooLargeException}.
         */
        RESULT_TOO_LARGE,
        /** Anything else PostgreSQL rejected: syntax, unknown names, wrong types... */
        QUERY
    }

    /** Classifies {@code e}; {@code cancelledByClient} tells a client cancel from a timeout (both 57014). */
    public static SqlFailure of(SQLException e, boolean cancelledByClient) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        Integer position = null;
        String hint = null;
        String detail = null;
        String message = e.getMessage();
        if (e instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
            ServerErrorMessage server = psql.getServerErrorMessage();
            message = server.getMessage();
            position = server.getPosition() > 0 ? server.getPosition() : null;
            hint = server.getHint();
            detail = server.getDetail();
        }
        Kind kind = SqlState.isConnectionFailure(e) ? Kind.CONNECTION : kind(state, cancelledByClient);
        return new SqlFailure(kind, state, message == null ? e.getClass().getSimpleName() : message, position, hint,
                detail);
    }

    /**
     * The failure of {@code e}; {@code cancelledByClient} tells a client cancel from a timeout (both
     * 57014), as for the driver's exception.
     */
    public static SqlFailure of(DatabaseException e, boolean cancelledByClient) {
        SqlFailure failure = e.failure();
        if (failure.kind() == Kind.CANCELLED
                || failure.kind() == Kind.TIMEOUT && SqlState.QUERY_CANCELED.matches(failure.sqlState())) {
            Kind kind = cancelledByClient ? Kind.CANCELLED : Kind.TIMEOUT;
            return new SqlFailure(kind, failure.sqlState(), failure.message(), failure.position(), failure.hint(),
                    failure.detail());
        }
        return failure;
    }

    /** A connection failure pg-mcp found itself (SQLSTATE 08001), with {@code message}. */
    static SqlFailure connection(String message) {
        return new SqlFailure(Kind.CONNECTION, SqlState.CONNECTION_EXCEPTION.code() + "001", message, null, null, null);
    }

    private static Kind kind(String state, boolean cancelledByClient) {
        if (SqlState.INVALID_AUTHORIZATION.matches(state) || SqlState.INVALID_CATALOG_NAME.matches(state)
                || SqlState.TOO_MANY_CONNECTIONS.matches(state)) {
            return Kind.LOGIN_REJECTED;
        } else if (SqlState.QUERY_CANCELED.matches(state)) {
            return cancelledByClient ? Kind.CANCELLED : Kind.TIMEOUT;
        } else if (SqlState.LOCK_NOT_AVAILABLE.matches(state)) {
            return Kind.TIMEOUT;
        } else if (SqlState.READ_ONLY_SQL_TRANSACTION.matches(state)) {
            return Kind.READ_ONLY_VIOLATION;
        } else if (SqlState.INSUFFICIENT_PRIVILEGE.matches(state)) {
            return Kind.PERMISSION;
        } else if (SqlState.DATA_EXCEPTION.matches(state)) {
            return Kind.DATA;
        } else if (SqlState.INSUFFICIENT_RESOURCES.matches(state) || SqlState.PROGRAM_LIMIT_EXCEEDED.matches(state)) {
            return Kind.RESOURCES;
        }
        return Kind.QUERY;
    }

    /**
     * Whether another attempt, on another connection, may succeed: connection-class failures
     * ({@link SqlState#isConnectionFailure}) and serialization or recovery conflicts (40001, and 40P01,
     * which a hot standby raises when replaying the primary's changes conflicts with a query). Never a
     * timeout — statement (57014) or lock (55P03) timeout, or a link that stayed silent for a whole call's
     * bound —, a cancellation, a SQL error, a refused login, a busy pool, or a database known to be down.
     */
    public static boolean isRetryable(Throwable e) {
        if (e instanceof DatabaseDownException || e instanceof PoolTimeoutException
                || e instanceof Database.CancelledException
                || isNetworkTimeout(e)) {
            return false;
        }
        String state = SqlState.stateOf(e);
        return SqlState.SERIALIZATION_FAILURE.matches(state) || SqlState.DEADLOCK_DETECTED.matches(state)
                || isConnectionClass(e);
    }

    /** The driver gave up waiting for the server: a read or connect timed out (a stalled link, not a refusal). */
    public static boolean isNetworkTimeout(Throwable e) {
        return SqlState.isNetworkTimeout(e);
    }

    /** Connection-class failures: see {@link SqlState#isConnectionFailure}. */
    public static boolean isConnectionClass(Throwable e) {
        return SqlState.isConnectionFailure(e);
    }

    /** The same failure with the error at {@code newPosition} (1-based, in characters) of the caller's text. */
    public SqlFailure atPosition(int newPosition) {
        return new SqlFailure(kind, sqlState, message, newPosition, hint, detail);
    }
}
