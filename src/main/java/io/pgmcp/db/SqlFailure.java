package io.pgmcp.db;

import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * What kind of failure a {@link SQLException} is, decided by SQLSTATE (never by message text), and
 * the server's details (position, hint) for messages a model can act on.
 */
public record SqlFailure(Kind kind, String sqlState, String message, Integer position, String hint, String detail) {

    /** The classes of failure the pipeline treats differently. */
    public enum Kind {
        /** statement_timeout or lock_timeout fired. */
        TIMEOUT,
        /** The statement was cancelled on the client's request. */
        CANCELLED,
        /** The connection failed or the server is going away (class 08, 57P01–57P03, a reset socket). */
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
        Kind kind;
        if (isConnectionClass(e)) {
            kind = Kind.CONNECTION;
        } else if (state.startsWith("28") || state.equals("3D000") || state.equals("53300")) {
            kind = Kind.LOGIN_REJECTED;
        } else if (state.equals("57014")) {
            kind = cancelledByClient ? Kind.CANCELLED : Kind.TIMEOUT;
        } else if (state.equals("55P03")) {
            kind = Kind.TIMEOUT;
        } else if (state.equals("25006")) {
            kind = Kind.READ_ONLY_VIOLATION;
        } else if (state.equals("42501")) {
            kind = Kind.PERMISSION;
        } else if (state.startsWith("22")) {
            kind = Kind.DATA;
        } else if (state.startsWith("53") || state.startsWith("54")) {
            kind = Kind.RESOURCES;
        } else {
            kind = Kind.QUERY;
        }
        return new SqlFailure(kind, state, message == null ? e.getClass().getSimpleName() : message, position, hint, detail);
    }

    /**
     * Whether another attempt, on another connection, may succeed: connection-class failures
     * (class 08, 57P01–57P03, a reset socket) and serialization or recovery conflicts (40001, and 40P01,
     * which a hot standby raises when replaying the primary's changes conflicts with a query). Never a
     * timeout — statement (57014) or lock (55P03) timeout, or a link that stayed silent for a whole call's
     * bound —, a cancellation, a SQL error, a refused login, a busy pool, or a database known to be down.
     */
    public static boolean isRetryable(SQLException e) {
        if (e instanceof DatabaseDownException || e instanceof PoolTimeoutException || e instanceof Database.CancelledException
                || isNetworkTimeout(e)) {
            return false;
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return state.equals("40001") || state.equals("40P01") || isConnectionClass(e);
    }

    /** The driver gave up waiting for the server: a read or connect timed out (a stalled link, not a refusal). */
    public static boolean isNetworkTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Connection-class failures: SQLSTATE class 08, 57P01–57P03 (admin shutdown, crash, cannot connect now), a reset socket. */
    public static boolean isConnectionClass(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
            if (t instanceof SocketException) {
                return true;
            }
        }
        return false;
    }
}
