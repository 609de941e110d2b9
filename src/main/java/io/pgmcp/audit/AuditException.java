package io.pgmcp.audit;

/**
 * An audit event could not be recorded: the caller must treat the tool call as failed rather than
 * answer without an audit trail. The message says which sink and what state it was in; the cause is
 * chained.
 */
public final class AuditException extends Exception {
    private static final long serialVersionUID = 1L;

    public AuditException(String message, Throwable cause) {
        super(message, cause);
    }

    public AuditException(String message) {
        super(message);
    }
}
