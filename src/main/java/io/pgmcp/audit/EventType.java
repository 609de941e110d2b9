package io.pgmcp.audit;

import java.util.Locale;

/** What happened in the tool call an {@link AuditEvent} records. */
public enum EventType {
    /** The SQL ran (successfully or with an error from the database). */
    QUERY_EXECUTED,
    /** The guard refused the SQL before it ran (not read-only, unparseable, too expensive). */
    QUERY_DENIED,
    /** The SQL touched a table, column or function the access policy denies. */
    POLICY_VIOLATION,
    /** The call was refused by the rate limiter before any work was done. */
    RATE_LIMIT_EXCEEDED;

    /** The name on the wire, e.g. {@code query_executed}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
