package io.pgmcp.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Streamable HTTP transport's listener, sessions and who may call it. Binding a non-loopback address
 * without bearer tokens or OAuth would hand the database to anyone who can reach the port, so that is
 * refused here. Port 0 (any free port) is for tests; the config file's range is 1-65535.
 *
 * @param authTokens           static bearer tokens, each naming its principal (names and tokens unique)
 * @param oauth                OAuth 2.1 resource-server settings; empty: no OAuth
 * @param maxSessions          2025-era sessions that may exist at once
 * @param maxSessionsPerClient of them, how many one client (bearer token; address without tokens) may
 *                             hold; fewer than {@code maxSessions} (when that is above 1), so one client
 *                             at its cap always leaves room for another
 * @param sessionIdleTimeout   a session unused for this long expires
 * @param requestReadTimeout   a connection that has not delivered a whole request within this is closed
 */
public record HttpConfig(String host, int port, List<NamedToken> authTokens, List<String> allowedOrigins,
        Optional<TlsConfig> tls, int maxSessions, int maxSessionsPerClient, Duration sessionIdleTimeout,
        Duration requestReadTimeout, Optional<OAuthConfig> oauth) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    /**
     * The shortest bearer token a config file may give: a short token can be guessed by trying, and
     * tokens are all that stands between the network and the database (the binder checks it).
     */
    public static final int MIN_TOKEN_CHARS = 16;
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_SESSIONS = 1000;
    public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofMinutes(30);
    public static final int DEFAULT_MAX_SESSIONS_PER_CLIENT = 100;
    public static final Duration DEFAULT_REQUEST_READ_TIMEOUT = Duration.ofSeconds(30);

    /** With the default session bounds. */
    public HttpConfig(String host, int port, List<Secret> authTokens, List<String> allowedOrigins,
            Optional<TlsConfig> tls) {
        this(host, port, authTokens, allowedOrigins, tls, DEFAULT_MAX_SESSIONS, DEFAULT_SESSION_IDLE_TIMEOUT);
    }

    /**
     * With unnamed tokens (see {@link NamedToken#unnamed}), the default per-client bound for {@code maxSessions},
     * the default request read timeout and no OAuth.
     */
    public HttpConfig(String host, int port, List<Secret> authTokens, List<String> allowedOrigins,
            Optional<TlsConfig> tls,
            int maxSessions, Duration sessionIdleTimeout) {
        this(host, port, authTokens.stream().map(NamedToken::unnamed).toList(), allowedOrigins, tls, maxSessions,
                defaultPerClient(maxSessions), sessionIdleTimeout, DEFAULT_REQUEST_READ_TIMEOUT, Optional.empty());
    }

    /** @return {@value #DEFAULT_MAX_SESSIONS_PER_CLIENT}, or half of {@code maxSessions} when that is less */
    public static int defaultPerClient(int maxSessions) {
        return Math.max(1, Math.min(DEFAULT_MAX_SESSIONS_PER_CLIENT, maxSessions / 2));
    }

    public HttpConfig {
        Objects.requireNonNull(host, "host");
        authTokens = List.copyOf(authTokens);
        allowedOrigins = List.copyOf(allowedOrigins);
        Objects.requireNonNull(tls, "tls");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1-65535");
        }
        Objects.requireNonNull(requestReadTimeout, "requestReadTimeout");
        Objects.requireNonNull(oauth, "oauth");
        Set<String> names = new HashSet<>();
        Set<String> tokens = new HashSet<>();
        for (NamedToken token : authTokens) {
            // never name the token itself: say which principal's entry repeats it
            if (!names.add(token.name())) {
                throw new IllegalArgumentException("auth_tokens: the name " + ConfigNode.quote(token.name())
                        + " is given to more than one token");
            }
            if (!tokens.add(token.token().reveal())) {
                throw new IllegalArgumentException("auth_tokens: the token of " + ConfigNode.quote(token.name())
                        + " is also given under another name");
            }
        }
        if (maxSessions < 1 || !sessionIdleTimeout.isPositive()) {
            throw new IllegalArgumentException("max_sessions (" + maxSessions + ") and session_idle_timeout ("
                    + sessionIdleTimeout + ") must be positive");
        }
        if (maxSessionsPerClient < 1 || maxSessionsPerClient > maxSessions
                || maxSessions > 1 && maxSessionsPerClient == maxSessions) {
            throw new IllegalArgumentException("max_sessions_per_client (" + maxSessionsPerClient
                    + ") must be at least 1 and below max_sessions (" + maxSessions
                    + "), so that one client at its cap leaves room for others");
        }
        if (requestReadTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException(
                    "request_read_timeout (" + requestReadTimeout + ") must be at least 1 s");
        }
        if (!isLoopback(host) && authTokens.isEmpty() && oauth.isEmpty()) {
            throw new IllegalArgumentException("host '" + host + "' is not a loopback address and auth_tokens is"
                    + " empty: anyone who can reach the port could query the database; set auth_tokens or oauth, or"
                    + " bind 127.0.0.1");
        }
    }

    /** Whether callers must authenticate (static tokens or OAuth). */
    public boolean authenticates() {
        return !authTokens.isEmpty() || oauth.isPresent();
    }

    /** This configuration with OAuth set (or removed). */
    public HttpConfig withOAuth(Optional<OAuthConfig> oauth) {
        return new HttpConfig(host, port, authTokens, allowedOrigins, tls, maxSessions, maxSessionsPerClient,
                sessionIdleTimeout, requestReadTimeout, oauth);
    }

    public static HttpConfig defaults() {
        return new HttpConfig(DEFAULT_HOST, DEFAULT_PORT, List.of(), List.of(), Optional.empty());
    }

    /** {@code localhost}, {@code ::1} or an address in 127.0.0.0/8, judged by text (no DNS). */
    public static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
