package io.pgmcp.audit;

import java.util.Locale;

/** How a tool call ended, as {@code result.status} of an {@link AuditEvent}. */
public enum ResultStatus {
    SUCCESS, ERROR, DENIED;

    /** The name on the wire: {@code success}, {@code error} or {@code denied}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
