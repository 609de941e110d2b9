package io.pgmcp.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.config.AuthorizationServerConfig;
import io.pgmcp.config.OAuthConfig;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One authorization server's signing keys: its JWK set, fetched from the configured {@code jwks_uri} or the one
 * its metadata names (RFC 8414 first, then OpenID Connect discovery; the metadata's {@code issuer} must be the
 * configured one). The set is cached; a caller that finds no fitting key asks for a refetch, which happens at
 * most once per {@code jwks_min_refresh_interval} and once for all callers asking together (the others wait for
 * it, up to a bound). A failed fetch keeps the keys held before, is logged as a warning and makes the next
 * attempt discover the key set's URL again (unless it is configured). Thread-safe.
 */
final class IssuerKeys {
    private static final System.Logger logger = System.getLogger(IssuerKeys.class.getName());

    private final AuthorizationServerConfig server;
    private final JsonFetcher fetcher;
    private final Clock clock;
    private final Duration minRefreshInterval;
    /** Fetching waits for the lock's holder no longer than its own fetches may take. */
    private final Duration lockWait;
    private final ReentrantLock fetching = new ReentrantLock();

    private volatile List<JsonWebKey> keys = List.of();
    private volatile Optional<URI> jwksUri;
    /** Counts fetch attempts, so a caller that waited can tell that one happened meanwhile. */
    private volatile long attempts;
    private volatile Instant lastAttempt;
    private volatile boolean lastFailed;

    IssuerKeys(AuthorizationServerConfig server, OAuthConfig oauth, JsonFetcher fetcher, Clock clock) {
        this.server = server;
        this.fetcher = fetcher;
        this.clock = clock;
        this.minRefreshInterval = oauth.jwksMinRefreshInterval();
        this.lockWait = oauth.httpTimeout().multipliedBy(3).plusSeconds(1);
        this.jwksUri = server.jwksUri();
    }

    /** The state one caller saw: the keys and which attempt gave them. */
    record Snapshot(List<JsonWebKey> keys, long attempts, boolean lastFailed) {}

    Snapshot current() {
        // attempts is written last by a fetch, so reading it first never pairs new keys with an old count
        long seen = attempts;
        return new Snapshot(keys, seen, lastFailed);
    }

    /**
     * Fetches the keys again unless another fetch happened since {@code seen} was taken or the last attempt is
     * more recent than the minimum interval. Never throws: a failure is logged and the old keys stay.
     *
     * @return the state after it
     */
    Snapshot refresh(Snapshot seen) {
        boolean locked;
        try {
            locked = fetching.tryLock(lockWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return current();
        }
        if (!locked) {
            return current();
        }
        try {
            if (attempts != seen.attempts()) {
                return current();
            }
            Instant now = clock.instant();
            if (lastAttempt != null && now.isBefore(lastAttempt.plus(minRefreshInterval))) {
                return current();
            }
            lastAttempt = now;
            try {
                List<String> skipped = new ArrayList<>();
                keys = List.copyOf(JsonWebKey.parseSet(fetcher.get(jwksUri()), skipped));
                lastFailed = false;
                for (String problem : skipped) {
                    logger.log(System.Logger.Level.WARNING, "issuer {0}: signing key not used: {1}",
                            server.issuer(), problem);
                }
            } catch (IOException e) {
                lastFailed = true;
                // a discovered URL may be what went stale: look it up again next time
                jwksUri = server.jwksUri();
                logger.log(System.Logger.Level.WARNING, "issuer {0}: its signing keys could not be fetched"
                        + " (kept the {1} held before; next try after {2} s): {3}", server.issuer(), keys.size(),
                        minRefreshInterval.toSeconds(), e.getMessage());
            }
            attempts = attempts + 1;
            return current();
        } finally {
            fetching.unlock();
        }
    }

    /** The configured or discovered JWK set URL; discovered once. */
    private URI jwksUri() throws IOException {
        if (jwksUri.isPresent()) {
            return jwksUri.get();
        }
        List<String> failures = new ArrayList<>();
        for (URI metadata : metadataUris(server.issuer())) {
            try {
                JsonNode document = fetcher.get(metadata);
                Optional<String> issuer = AuthJson.text(document, "issuer");
                if (!issuer.equals(Optional.of(server.issuer()))) {
                    failures.add(metadata + ": its issuer is " + issuer.map(i -> "\"" + i + "\"").orElse("missing")
                            + ", not the configured one");
                    continue;
                }
                Optional<String> uri = AuthJson.text(document, "jwks_uri");
                if (uri.isEmpty() || !OAuthConfig.isHttpUri(uri.get())) {
                    failures.add(metadata + ": jwks_uri is missing or not an http(s) URL");
                    continue;
                }
                jwksUri = Optional.of(URI.create(uri.get()));
                return jwksUri.get();
            } catch (IOException e) {
                failures.add(e.getMessage());
            }
        }
        throw new IOException("no usable metadata: " + String.join("; ", failures));
    }

    /**
     * RFC 8414 section 3.1: the well-known segment goes between host and path; then OpenID Connect Discovery's
     * {@code {issuer}/.well-known/openid-configuration}.
     */
    static List<URI> metadataUris(String issuer) {
        URI uri = URI.create(issuer);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        return List.of(URI.create(origin + "/.well-known/oauth-authorization-server" + path),
                URI.create(origin + path + "/.well-known/openid-configuration"));
    }
}
