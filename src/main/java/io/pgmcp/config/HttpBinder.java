package io.pgmcp.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Binds {@code server.http}: the listener, its bearer tokens (plain or named), the OAuth resource-server settings
 * and TLS, reporting every problem with its key path and never echoing a secret.
 */
final class HttpBinder {

    private HttpBinder() {}

    static HttpConfig http(ConfigNode n) {
        HttpConfig d = HttpConfig.defaults();
        String host = n.string("host", d.host());
        int port = n.integer("port", d.port(), 1, 65535);
        List<NamedToken> tokens = n.secretsOrMappings("auth_tokens",
                (i, token) -> checkedToken(n, "auth_tokens[" + i + "]", token)
                        .map(NamedToken::unnamed).orElse(null),
                HttpBinder::namedToken);
        List<String> origins = n.strings("allowed_origins", List.of(), HttpBinder::isOrigin,
                "is not an origin (scheme://host[:port], no path)");
        Optional<TlsConfig> tls = n.has("tls") ? tls(n.child("tls")) : Optional.empty();
        int maxSessions = n.integer("max_sessions", d.maxSessions(), 1, 100_000);
        int perClient = n.integer("max_sessions_per_client", HttpConfig.defaultPerClient(maxSessions), 1, 100_000);
        if (maxSessions > 1 && perClient >= maxSessions) {
            n.error("max_sessions_per_client", "must be below max_sessions (" + maxSessions + ") so that one client at"
                    + " its cap leaves room for others; got " + perClient);
        }
        Duration idle = n.seconds("session_idle_timeout", d.sessionIdleTimeout(), 10, 86_400);
        Duration readTimeout = n.seconds("request_read_timeout", d.requestReadTimeout(), 1, 3_600);
        boolean oauthGiven = n.has("oauth");
        Optional<OAuthConfig> oauth = oauthGiven ? oauth(n.child("oauth")) : Optional.empty();
        if (oauthGiven && oauth.isEmpty()) {
            // its errors are reported; do not add a loopback complaint that setting oauth would already answer
            return d;
        }
        return n.build(() -> new HttpConfig(host, port, tokens, origins, tls, maxSessions, perClient, idle,
                readTimeout, oauth), d);
    }

    /** A long enough token without spaces, or empty (reported without echoing it). */
    private static Optional<Secret> checkedToken(ConfigNode n, String key, Secret token) {
        String text = token.reveal();
        if (text.length() < HttpConfig.MIN_TOKEN_CHARS || text.chars().anyMatch(Character::isWhitespace)) {
            // never echo the token: say only what is wrong with it
            n.error(key, "a bearer token needs at least " + HttpConfig.MIN_TOKEN_CHARS
                    + " characters and no spaces (" + text.length()
                    + " given); make one with `openssl rand -base64 32`");
            return Optional.empty();
        }
        return Optional.of(token);
    }

    private static NamedToken namedToken(ConfigNode n) {
        Optional<String> name = n.optionalString("name");
        Optional<Secret> token = n.secret("token");
        if (name.isEmpty()) {
            n.error("name", "required: the name of the principal this token stands for");
        } else if (!NamedToken.isValidName(name.get())) {
            n.error("name", ConfigNode.quote(name.get())
                    + " must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', '@' and '-'");
            return null;
        }
        if (!n.has("token")) {
            n.error("token", "required");
            return null;
        }
        Optional<Secret> checked = token.flatMap(t -> checkedToken(n, "token", t));
        if (name.isEmpty() || checked.isEmpty()) {
            return null;
        }
        return new NamedToken(name.get(), checked.get());
    }

    private static Optional<OAuthConfig> oauth(ConfigNode n) {
        Optional<String> resource = n.optionalString("resource");
        if (!n.has("resource")) {
            n.error("resource", "required: this server's resource URI, the audience its tokens must name"
                    + " (e.g. https://mcp.example.com/mcp)");
        } else if (resource.isPresent() && !OAuthConfig.isHttpUri(resource.get())) {
            n.error("resource", ConfigNode.quote(resource.get())
                    + " must be an absolute http:// or https:// URI without query or fragment");
            resource = Optional.empty();
        }
        List<ConfigNode> serverNodes = n.children("authorization_servers");
        if (!n.has("authorization_servers") || serverNodes.isEmpty()) {
            n.error("authorization_servers", "required: at least one authorization server (issuer)");
        }
        List<AuthorizationServerConfig> servers = new ArrayList<>();
        List<String> issuers = new ArrayList<>();
        for (ConfigNode item : serverNodes) {
            AuthorizationServerConfig server = item == null ? null : authorizationServer(item);
            if (server != null) {
                if (issuers.contains(server.issuer())) {
                    item.error("issuer", ConfigNode.quote(server.issuer()) + " is listed more than once");
                } else {
                    issuers.add(server.issuer());
                    servers.add(server);
                }
            }
        }
        List<String> scopes = n.strings("required_scopes", List.of(),
                s -> !s.isEmpty() && s.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\'),
                "is not a scope (printable ASCII without spaces, quotes or backslashes)");
        String claim = n.string("principal_claim", OAuthConfig.DEFAULT_PRINCIPAL_CLAIM);
        Duration skew = n.seconds("clock_skew", OAuthConfig.DEFAULT_CLOCK_SKEW, 0, 300);
        Duration refresh = n.seconds("jwks_min_refresh_interval", OAuthConfig.DEFAULT_JWKS_MIN_REFRESH_INTERVAL, 1,
                3600);
        Duration timeout = n.seconds("http_timeout", OAuthConfig.DEFAULT_HTTP_TIMEOUT, 1, 60);
        if (resource.isEmpty() || servers.isEmpty()) {
            return Optional.empty();
        }
        String uri = resource.get();
        return n.build(() -> Optional.of(new OAuthConfig(uri, servers, scopes, claim, skew, refresh, timeout)),
                Optional.empty());
    }

    private static AuthorizationServerConfig authorizationServer(ConfigNode n) {
        Optional<String> issuer = n.optionalString("issuer");
        if (!n.has("issuer")) {
            n.error("issuer", "required: the issuer identifier its tokens carry in iss");
        } else if (issuer.isPresent() && !OAuthConfig.isHttpUri(issuer.get())) {
            n.error("issuer", ConfigNode.quote(issuer.get())
                    + " must be an absolute http:// or https:// URI without query or fragment");
            issuer = Optional.empty();
        }
        List<JwsAlgorithm> algorithms = AuthorizationServerConfig.DEFAULT_ALGORITHMS;
        if (n.has("algorithms")) {
            algorithms = new ArrayList<>();
            for (String alg : n.strings("algorithms", List.of(), s -> true, "")) {
                Optional<JwsAlgorithm> known = JwsAlgorithm.ofJoseName(alg.strip());
                if (JwsAlgorithm.isForbidden(alg)) {
                    n.error("algorithms", ConfigNode.quote(alg) + " is not allowed: only asymmetric signatures are"
                            + " accepted (none and HMAC would let anyone mint tokens); use one of "
                            + java.util.Arrays.toString(JwsAlgorithm.values()));
                } else if (known.isEmpty()) {
                    n.error("algorithms", ConfigNode.quote(alg) + " is not one of "
                            + java.util.Arrays.toString(JwsAlgorithm.values()));
                } else if (!algorithms.contains(known.get())) {
                    algorithms.add(known.get());
                }
            }
            if (algorithms.isEmpty()) {
                n.error("algorithms", "must name at least one algorithm");
            }
        }
        Optional<URI> jwksUri = uri(n, "jwks_uri");
        Optional<IntrospectionConfig> introspection = n.has("introspection")
                ? introspection(n.child("introspection"))
                : Optional.empty();
        if (issuer.isEmpty() || algorithms.isEmpty()) {
            return null;
        }
        String iss = issuer.get();
        List<JwsAlgorithm> algs = algorithms;
        return n.build(() -> new AuthorizationServerConfig(iss, algs, jwksUri, introspection), null);
    }

    private static Optional<IntrospectionConfig> introspection(ConfigNode n) {
        Optional<URI> endpoint = uri(n, "endpoint");
        Optional<String> clientId = n.optionalString("client_id");
        Optional<Secret> secret = n.secretText("client_secret").map(Secret::new);
        for (String key : List.of("endpoint", "client_id", "client_secret")) {
            if (!n.has(key)) {
                n.error(key, "required when introspection is given");
            }
        }
        if (endpoint.isEmpty() || clientId.isEmpty() || secret.isEmpty()) {
            return Optional.empty();
        }
        return n.build(() -> Optional.of(new IntrospectionConfig(endpoint.get(), clientId.get(), secret.get())),
                Optional.empty());
    }

    /** An absolute http(s) URI, if given; the message never echoes it (it may carry credentials). */
    private static Optional<URI> uri(ConfigNode n, String key) {
        Optional<String> text = n.secretText(key);
        if (text.isPresent() && !OAuthConfig.isHttpUri(text.get())) {
            n.error(key, "must be an absolute http:// or https:// URL with a host, no query, fragment or user info");
            return Optional.empty();
        }
        return text.map(URI::create);
    }

    private static Optional<TlsConfig> tls(ConfigNode n) {
        Optional<String> keystore = n.optionalString("keystore");
        Optional<Secret> password = n.secret("password");
        if (!n.has("keystore")) {
            n.error("keystore", "required when tls is given");
            return Optional.empty();
        }
        Optional<Path> path = keystore.flatMap(k -> ConfigBinder.path(n, "keystore", k));
        if (path.isPresent() && !Files.isRegularFile(path.get())) {
            n.error("keystore", "file not found: " + path.get());
            return Optional.empty();
        }
        return path.map(p -> new TlsConfig(p, password));
    }

    private static boolean isOrigin(String text) {
        if (!ConfigBinder.isHttpUrl(text)) {
            return false;
        }
        URI uri = URI.create(text);
        return (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
                && uri.getRawUserInfo() == null && uri.getRawFragment() == null;
    }
}
