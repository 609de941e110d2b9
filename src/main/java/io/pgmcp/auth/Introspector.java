package io.pgmcp.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.config.AuthorizationServerConfig;
import io.pgmcp.config.IntrospectionConfig;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Checks opaque access tokens with the one authorization server that offers RFC 7662 introspection: the token is
 * POSTed with the server's client credentials (HTTP Basic), the answer must say {@code active: true} and pass
 * the same issuer, audience and time checks as a JWT's claims. A positive answer is cached, keyed by the
 * token's SHA-256 (the token itself is never kept), until the token expires or {@value #CACHE_SECONDS} s pass,
 * whichever is first; at most {@value #CACHE_ENTRIES} answers are kept, least recently used dropped first.
 * Negative answers are not cached. At most {@value #MAX_IN_FLIGHT} checks are sent at once: anyone can present
 * an opaque token, and each unknown one costs the authorization server a request, so a flood of them is
 * refused here (401, "busy") beyond that, after waiting up to half of {@code http_timeout} for a turn, instead of being
 * passed on. Thread-safe.
 */
final class Introspector {
    private static final System.Logger logger = System.getLogger(Introspector.class.getName());
    static final int CACHE_SECONDS = 60;
    static final int CACHE_ENTRIES = 10_000;
    static final int MAX_IN_FLIGHT = 16;

    private record Cached(Principal principal, Instant until) {}

    private final AuthorizationServerConfig server;
    private final IntrospectionConfig introspection;
    private final JsonFetcher fetcher;
    private final TokenClaims claims;
    private final Clock clock;
    private final String authorization;
    private final ReentrantLock cacheLock = new ReentrantLock();
    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);
    private final Duration turnWait;
    private final Map<String, Cached> cache = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    Introspector(AuthorizationServerConfig server, JsonFetcher fetcher, TokenClaims claims, Clock clock) {
        this.server = server;
        this.introspection = server.introspection().orElseThrow();
        this.fetcher = fetcher;
        this.claims = claims;
        this.clock = clock;
        this.turnWait = fetcher.timeout().dividedBy(2); // less than a check in flight may take
        // RFC 6749 section 2.3.1: both parts form-encoded before Basic encoding
        String credentials = form(introspection.clientId()) + ":" + form(introspection.clientSecret().reveal());
        this.authorization = "Basic "
                + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    Principal introspect(String token) throws InvalidToken {
        String key = HexFormat.of().formatHex(StaticTokens.sha256(token));
        Instant now = clock.instant();
        cacheLock.lock();
        try {
            Cached hit = cache.get(key);
            if (hit != null && now.isBefore(hit.until())) {
                return hit.principal();
            }
            cache.remove(key);
        } finally {
            cacheLock.unlock();
        }
        JsonNode answer;
        try {
            if (!inFlight.tryAcquire(turnWait.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                logger.log(System.Logger.Level.WARNING, "issuer {0}: {1} token introspections already in flight;"
                        + " one more refused", server.issuer(), MAX_IN_FLIGHT);
                throw new InvalidToken("the authorization server is busy checking other tokens; try again later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvalidToken("the token could not be checked: the request was stopped");
        }
        try {
            answer = fetcher.postForm(introspection.endpoint(),
                    "token=" + form(token) + "&token_type_hint=access_token", authorization);
        } catch (IOException e) {
            logger.log(System.Logger.Level.WARNING, "issuer {0}: token introspection failed: {1}", server.issuer(),
                    e.getMessage());
            throw new InvalidToken("the token could not be checked with the authorization server; try again later");
        } finally {
            inFlight.release();
        }
        JsonNode active = answer.get("active");
        if (active == null || !active.isBoolean() || !active.booleanValue()) {
            throw new InvalidToken("the authorization server says the token is not active");
        }
        TokenClaims.Checked checked = claims.check(answer, server.issuer(), true);
        Instant until = now.plus(Duration.ofSeconds(CACHE_SECONDS));
        if (checked.expires().isBefore(until)) {
            until = checked.expires();
        }
        cacheLock.lock();
        try {
            cache.put(key, new Cached(checked.principal(), until));
        } finally {
            cacheLock.unlock();
        }
        return checked.principal();
    }

    private static String form(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
