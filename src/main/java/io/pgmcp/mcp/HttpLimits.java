package io.pgmcp.mcp;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of the HTTP transport.
 *
 * @param maxBodyBytes         the largest request body accepted (413 above)
 * @param maxSessions          how many 2025-era sessions may exist at once (503 for another initialize
 *                             when none can be shed)
 * @param maxSessionsPerClient how many of them one client (bearer token, or address without tokens)
 *                             may hold (429 past it when none of its own can be shed); at most
 *                             {@code maxSessions}
 * @param sessionIdleTimeout   a session unused this long, with no call in flight, expires (404 then)
 * @param keepAlive            how long a call may be silent before its answer becomes an event stream
 *                             with keep-alive comments — which is also how a client that went away is
 *                             noticed and its call cancelled
 * @param requestReadTimeout   how long a client may take to send a whole request, headers and body: a
 *                             half-open connection is closed after it (the JDK server's
 *                             {@code sun.net.httpserver.maxReqTime}, whole seconds, one per JVM)
 */
public record HttpLimits(int maxBodyBytes, int maxSessions, int maxSessionsPerClient, Duration sessionIdleTimeout,
        Duration keepAlive, Duration requestReadTimeout) {

    /** 16 MiB, as a stdio line. */
    public static final int DEFAULT_MAX_BODY_BYTES = StdioTransport.DEFAULT_MAX_LINE_BYTES;
    /** 30 s, the JDK server's own idle limit for a connection that has sent nothing. */
    public static final Duration DEFAULT_REQUEST_READ_TIMEOUT = Duration.ofSeconds(30);

    public HttpLimits {
        Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(requestReadTimeout, "requestReadTimeout");
        if (maxBodyBytes < 1 || maxSessions < 1) {
            throw new IllegalArgumentException("maxBodyBytes (" + maxBodyBytes + ") and maxSessions (" + maxSessions
                    + ") must be positive");
        }
        if (maxSessionsPerClient < 1 || maxSessionsPerClient > maxSessions) {
            throw new IllegalArgumentException("maxSessionsPerClient (" + maxSessionsPerClient
                    + ") must be between 1 and maxSessions (" + maxSessions + ")");
        }
        if (!sessionIdleTimeout.isPositive() || !keepAlive.isPositive() || requestReadTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("sessionIdleTimeout (" + sessionIdleTimeout + ") and keepAlive ("
                    + keepAlive + ") must be positive, requestReadTimeout (" + requestReadTimeout + ") at least 1 s");
        }
    }

    /** Without a per-client bound, with the default request read timeout. */
    public HttpLimits(int maxBodyBytes, int maxSessions, Duration sessionIdleTimeout, Duration keepAlive) {
        this(maxBodyBytes, maxSessions, maxSessions, sessionIdleTimeout, keepAlive, DEFAULT_REQUEST_READ_TIMEOUT);
    }

    /** The given session bounds with a 16 MiB body limit and a 5 s keep-alive. */
    public static HttpLimits of(int maxSessions, int maxSessionsPerClient, Duration sessionIdleTimeout,
            Duration requestReadTimeout) {
        return new HttpLimits(DEFAULT_MAX_BODY_BYTES, maxSessions, maxSessionsPerClient, sessionIdleTimeout,
                Duration.ofSeconds(5), requestReadTimeout);
    }

    /** The given session bounds without a per-client bound, a 16 MiB body limit and a 5 s keep-alive. */
    public static HttpLimits of(int maxSessions, Duration sessionIdleTimeout) {
        return of(maxSessions, maxSessions, sessionIdleTimeout, DEFAULT_REQUEST_READ_TIMEOUT);
    }
}
