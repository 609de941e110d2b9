package io.pgmcp.audit;

/**
 * The audit table could not be used. The message says why in the database's terms
 * ({@code SQLSTATE 08001: ...}); {@link #unreachable()} tells a database that cannot be reached now
 * (events are spooled until it is back) from one that refuses us (a configuration error).
 */
public final class AuditTableException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean unreachable;

    /**
     * @param message     why, as the sink's messages should show it
     * @param unreachable the connection failed or broke, rather than the database refusing
     */
    public AuditTableException(String message, boolean unreachable, Throwable cause) {
        super(message, cause);
        this.unreachable = unreachable;
    }

    /** The database could not be reached or the connection broke (worth trying again later). */
    public boolean unreachable() {
        return unreachable;
    }
}
