package io.pgmcp.audit;

import java.util.Locale;

/** The outcome of one policy check in {@link AuditEvent.PolicyChecks}. */
public enum CheckOutcome {
    PASSED, DENIED, SKIPPED;

    /** The name on the wire: {@code passed}, {@code denied} or {@code skipped}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
