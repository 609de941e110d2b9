package io.pgmcp.db;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;

/**
 * The SQLSTATE codes and classes pg-mcp tells apart, and the classification built on them: decided by
 * SQLSTATE (never by message text) and, for a failure of the link under the driver, by the I/O
 * exception it chains. Each constant is either a whole class (two characters) or one code.
 */
public enum SqlState {
    /** Class 08: the connection failed or could not be made. */
    CONNECTION_EXCEPTION("08"),
    /** The server is shutting down (smart/fast shutdown). */
    ADMIN_SHUTDOWN("57P01"),
    /** The server crashed and is restarting. */
    CRASH_SHUTDOWN("57P02"),
    /** The server is starting up or in recovery and takes no connections yet. */
    CANNOT_CONNECT_NOW("57P03"),
    /** Class 28: the login was refused. */
    INVALID_AUTHORIZATION("28"),
    /** The database named in the login does not exist. */
    INVALID_CATALOG_NAME("3D000"),
    /** The server is at max_connections. */
    TOO_MANY_CONNECTIONS("53300"),
    /** statement_timeout fired, or the statement was cancelled. */
    QUERY_CANCELED("57014"),
    /** lock_timeout fired. */
    LOCK_NOT_AVAILABLE("55P03"),
    /** A write in a read-only transaction. */
    READ_ONLY_SQL_TRANSACTION("25006"),
    /** The role lacks a privilege. */
    INSUFFICIENT_PRIVILEGE("42501"),
    /** Class 22: a value broke the statement. */
    DATA_EXCEPTION("22"),
    /** Class 53: the server ran out of a resource. */
    INSUFFICIENT_RESOURCES("53"),
    /** Class 54: a program limit was exceeded. */
    PROGRAM_LIMIT_EXCEEDED("54"),
    /** A serialization conflict. */
    SERIALIZATION_FAILURE("40001"),
    /** A deadlock, or a hot standby's recovery conflict. */
    DEADLOCK_DETECTED("40P01"),
    /** A unique index refused a row (here: two processes creating the same table at once). */
    UNIQUE_VIOLATION("23505"),
    /** The relation exists already. */
    DUPLICATE_TABLE("42P07"),
    /** The SQL does not parse. */
    SYNTAX_ERROR("42601"),
    /** A failure pg-mcp itself found inside the database layer. */
    INTERNAL_ERROR("XX000");

    private final String code;

    SqlState(String code) {
        this.code = code;
    }

    /** The code, or the class's two characters. */
    public String code() {
        return code;
    }

    /** Whether {@code sqlState} is this code, or belongs to this class; false for null. */
    public boolean matches(String sqlState) {
        return sqlState != null && (code.length() == 2 ? sqlState.startsWith(code) : sqlState.equals(code));
    }

    /** Whether {@code sqlState} says the connection is gone or the server is going away: class 08, 57P01–57P03. */
    public static boolean isConnectionState(String sqlState) {
        return CONNECTION_EXCEPTION.matches(sqlState) || ADMIN_SHUTDOWN.matches(sqlState)
                || CRASH_SHUTDOWN.matches(sqlState)
                || CANNOT_CONNECT_NOW.matches(sqlState);
    }

    /**
     * Connection-class failures: somewhere in the cause chain a connection SQLSTATE
     * ({@link #isConnectionState}), or an {@link IOException} — the link under the driver failed
     * (a reset or closed socket, an end of stream, a TLS failure, a read that timed out).
     */
    public static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (isConnectionState(stateOf(t))) {
                return true;
            }
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
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

    /** The SQLSTATE {@code t} carries, or null. */
    static String stateOf(Throwable t) {
        if (t instanceof SQLException sql) {
            return sql.getSQLState();
        }
        if (t instanceof DatabaseException database) {
            return database.failure().sqlState();
        }
        return null;
    }
}
