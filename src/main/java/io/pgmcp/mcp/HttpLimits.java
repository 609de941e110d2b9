package io.pgmcp.mcp;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of the HTTP transport.
 *
 * @param maxBodyBytes       the largest request body accepted (413 above)
 * @param maxSessions        how many sessions may exist at once (503 for another initialize)
 * @param sessionIdleTimeout a session unused this long, with no call in flight, expires (404 then)
 * @param keepAlive          how long a call may be silent before its answer becomes an event stream
 *                           with keep-alive comments — which is also how a client that went away is
 *                           noticed and its call cancelled
 */
public record HttpLimits(int maxBodyBytes, int maxSessions, Duration sessionIdleTimeout, Duration keepAlive) {

    /** 16 MiB, as a stdio line. */
    public static final int DEFAULT_MAX_BODY_BYTES = StdioTransport.DEFAULT_MAX_LINE_BYTES;

    public HttpLimits {
        Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
        Objects.requireNonNull(keepAlive, "keepAlive");
        if (maxBodyBytes < 1 || maxSessions < 1) {
            throw new IllegalArgumentException("maxBodyBytes (" + maxBodyBytes + ") and maxSessions (" + maxSessions
                    + ") must be positive");
        }
        if (!sessionIdleTimeout.isPositive() || !keepAlive.isPositive()) {
            throw new IllegalArgumentException("sessionIdleTimeout (" + sessionIdleTimeout + ") and keepAlive ("
                    + keepAlive + ") must be positive");
        }
    }

    /** The given session bounds with a 16 MiB body limit and a 5 s keep-alive. */
    public static HttpLimits of(int maxSessions, Duration sessionIdleTimeout) {
        return new HttpLimits(DEFAULT_MAX_BODY_BYTES, maxSessions, sessionIdleTimeout, Duration.ofSeconds(5));
    }
}
