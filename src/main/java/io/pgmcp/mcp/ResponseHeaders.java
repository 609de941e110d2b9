package io.pgmcp.mcp;

import io.pgmcp.resilience.RateLimitStatus;
import io.pgmcp.resilience.RateLimiter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Extra headers for the HTTP answer to a client's request, such as its rate-limit budget. Called
 * once per answered POST, after the answer is known (or when an event stream starts); must be
 * thread-safe and quick.
 */
@FunctionalInterface
public interface ResponseHeaders {

    /** No extra headers. */
    ResponseHeaders NONE = (sessionId, peer) -> Map.of();

    /**
     * @param sessionId the MCP session the request belongs to
     * @param peer      who sent the request: its address and principal
     * @return header names and values to add
     */
    Map<String, String> forClient(String sessionId, Peer peer);

    /**
     * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} (seconds) of the
     * request budget closest to running out for the client, keyed as the rate limiter keys calls
     * ({@code client_identifier}); {@code Retry-After} (seconds) as well once that budget is spent.
     * Nothing when rate limiting is disabled.
     */
    static ResponseHeaders rateLimits(RateLimiter limiter) {
        return (sessionId, peer) -> {
            Optional<RateLimitStatus> status = limiter.status(limiter.clientKey(sessionId, peer.address().orElse(null),
                    peer.principal().orElse(null)));
            if (status.isEmpty()) {
                return Map.of();
            }
            RateLimitStatus s = status.get();
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("RateLimit-Limit", Long.toString(s.limit()));
            headers.put("RateLimit-Remaining", Long.toString(s.remaining()));
            headers.put("RateLimit-Reset", Long.toString(s.resetSeconds()));
            if (s.remaining() == 0) {
                headers.put("Retry-After", Long.toString(s.resetSeconds()));
            }
            return headers;
        };
    }
}
