package io.pgmcp.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the parsed (and expanded) tree into a {@link PgMcpConfig}, section by section, reporting every
 * problem with its key path. Databases are bound by {@link DatabaseBinder}.
 */
final class ConfigBinder {
    private static final Map<String, System.Logger.Level> LOG_LEVELS = levels();

    private final BindContext ctx;
    private final Map<String, String> env;

    /** @param env used for the default audit file location */
    ConfigBinder(BindContext ctx, Map<String, String> env) {
        this.ctx = ctx;
        this.env = env;
    }

    /** The config, or null when any problem was found (all reported to the context). */
    PgMcpConfig bind(ConfigNode root) {
        DatabaseBinder databaseBinder = new DatabaseBinder();
        List<DatabaseConfig> databases = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (ConfigNode item : root.children("databases")) {
            String name = item == null ? null : databaseBinder.name(item);
            names.add(name);
            DatabaseConfig database = item == null ? null : databaseBinder.bind(item, name);
            if (database != null) {
                databases.add(database);
            }
        }
        OpenAiConfig openai = openai(root.child("openai"));
        ServerConfig server = server(root.child("server"));
        RateLimitConfig rateLimit = rateLimit(root.child("rate_limit"));
        ObservabilityConfig observability = observability(root.child("observability"));
        RetrySettings retry = retry(root.child("retry"));
        AuditConfig audit = audit(root.child("audit"));
        PrincipalBinder principalBinder = new PrincipalBinder(ctx, databases, names);
        List<PrincipalConfig> principals = principalBinder.bind(root);
        List<String> problems = new ArrayList<>(PgMcpConfig.conflicts(names, server.transport(), audit));
        problems.addAll(PgMcpConfig.principalConflicts(principalBinder.names(), server.transport()));
        for (String problem : problems) {
            root.error(problem);
        }
        if (ctx.hasErrors()) {
            return null;
        }
        return root.build(() -> new PgMcpConfig(databases, openai, server, rateLimit, observability, retry, audit,
                principals),
                null);
    }

    private OpenAiConfig openai(ConfigNode n) {
        OpenAiConfig d = OpenAiConfig.defaults();
        Optional<Secret> apiKey = n.secret("api_key");
        String model = n.string("model", d.model());
        Optional<String> baseUrl = httpUrl(n, "base_url");
        Duration timeout = n.seconds("timeout", d.timeout(), 1, 600);
        return n.build(() -> new OpenAiConfig(apiKey, model, baseUrl, timeout), d);
    }

    private ServerConfig server(ConfigNode n) {
        ServerConfig d = ServerConfig.defaults();
        int maxRows = n.integer("max_result_rows", d.maxResultRows(), 1, 10_000);
        int maxBytes = n.integer("max_result_bytes", d.maxResultBytes(), 1024, 64 * 1024 * 1024);
        Duration queryTimeout = n.seconds("query_timeout", d.queryTimeout(), 0.1, 3600);
        boolean resultValidation = n.bool("enable_result_validation", d.enableResultValidation());
        boolean executeSql = n.bool("enable_execute_sql", d.enableExecuteSql());
        int maxSqlRetry = n.integer("max_sql_retry", d.maxSqlRetry(), 0, 5);
        Duration refresh = n.seconds("cache_refresh_interval", d.cacheRefreshInterval(), 0, 604_800);
        if (!refresh.isZero() && refresh.compareTo(Duration.ofSeconds(10)) < 0) {
            n.error("cache_refresh_interval", "must be 0 (no background refresh) or at least 10 seconds");
            refresh = d.cacheRefreshInterval();
        }
        Duration cacheRefresh = refresh;
        Transport transport = n.choice("transport", d.transport());
        HttpConfig http = http(n.child("http"));
        Duration shutdown = n.seconds("shutdown_timeout", d.shutdownTimeout(), 1, 300);
        return n.build(
                () -> new ServerConfig(maxRows, maxBytes, queryTimeout, resultValidation, executeSql, maxSqlRetry,
                        cacheRefresh, transport, http, shutdown),
                d);
    }

    private HttpConfig http(ConfigNode n) {
        HttpConfig d = HttpConfig.defaults();
        String host = n.string("host", d.host());
        int port = n.integer("port", d.port(), 1, 65535);
        List<NamedToken> tokens = n.secretsOrMappings("auth_tokens",
                (i, token) -> checkedToken(n, "auth_tokens[" + i + "]", token)
                        .map(NamedToken::unnamed).orElse(null),
                ConfigBinder::namedToken);
        List<String> origins = n.strings("allowed_origins", List.of(), ConfigBinder::isOrigin,
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

    private Optional<TlsConfig> tls(ConfigNode n) {
        Optional<String> keystore = n.optionalString("keystore");
        Optional<Secret> password = n.secret("password");
        if (!n.has("keystore")) {
            n.error("keystore", "required when tls is given");
            return Optional.empty();
        }
        Optional<Path> path = keystore.flatMap(k -> path(n, "keystore", k));
        if (path.isPresent() && !Files.isRegularFile(path.get())) {
            n.error("keystore", "file not found: " + path.get());
            return Optional.empty();
        }
        return path.map(p -> new TlsConfig(p, password));
    }

    private RateLimitConfig rateLimit(ConfigNode n) {
        RateLimitConfig d = RateLimitConfig.defaults();
        int max = Integer.MAX_VALUE;
        boolean enabled = n.bool("enabled", d.enabled());
        int perMinute = n.integer("requests_per_minute", d.requestsPerMinute(), 1, max);
        int perHour = n.integer("requests_per_hour", d.requestsPerHour(), 1, max);
        int perClient = n.integer("per_client_per_minute", d.perClientPerMinute(), 1, max);
        ClientIdentifier clientIdentifier = n.choice("client_identifier", d.clientIdentifier());
        long tokensPerMinute = n.longInteger("tokens_per_minute", d.tokensPerMinute(), 1, Long.MAX_VALUE);
        long tokensPerHour = n.longInteger("tokens_per_hour", d.tokensPerHour(), 1, Long.MAX_VALUE);
        RateLimitStrategy strategy = n.choice("strategy", d.strategy());
        Duration maxQueueWait = n.seconds("max_queue_wait", d.maxQueueWait(), 0, 600);
        boolean includeHeaders = n.bool("include_headers", d.includeHeaders());
        boolean stdioAllTools = n.bool("stdio_all_tools", d.stdioAllTools());
        return n.build(
                () -> new RateLimitConfig(enabled, perMinute, perHour, perClient, clientIdentifier, tokensPerMinute,
                        tokensPerHour, strategy, maxQueueWait, includeHeaders, stdioAllTools),
                d);
    }

    private ObservabilityConfig observability(ConfigNode n) {
        return new ObservabilityConfig(metrics(n.child("metrics")), tracing(n.child("tracing")),
                logging(n.child("logging")));
    }

    private MetricsConfig metrics(ConfigNode n) {
        MetricsConfig d = MetricsConfig.defaults();
        // unset stays unset: its default depends on the transport, which --transport may still change
        Optional<Boolean> enabled = n.has("enabled") ? Optional.of(n.bool("enabled", false)) : Optional.empty();
        String exporter = n.string("exporter", "prometheus");
        if (exporter.equalsIgnoreCase("otlp")) {
            n.error("exporter", "\"otlp\" is not supported: metrics are exported in Prometheus format only; to get them"
                    + " into an OTLP pipeline, scrape " + d.path()
                    + " with the OpenTelemetry Collector's prometheus receiver");
        } else if (!exporter.equalsIgnoreCase("prometheus")) {
            n.error("exporter",
                    ConfigNode.quote(exporter) + " is not supported: metrics are exported in Prometheus format only");
        }
        String host = n.string("host", d.host());
        int port = n.integer("port", d.port(), 1024, 65535);
        String path = n.string("path", d.path());
        if (!path.startsWith("/")) {
            n.error("path", ConfigNode.quote(path) + " must start with /");
            path = d.path();
        }
        String metricsPath = path;
        boolean principalLabel = n.bool("principal_label", d.principalLabel());
        return n.build(() -> new MetricsConfig(enabled, host, port, metricsPath, principalLabel), d);
    }

    private TracingConfig tracing(ConfigNode n) {
        TracingConfig d = TracingConfig.defaults();
        boolean enabled = n.bool("enabled", d.enabled());
        String exporter = n.string("exporter", "otlp");
        if (!exporter.equalsIgnoreCase("otlp")) {
            n.error("exporter", ConfigNode.quote(exporter) + " is not supported: traces are exported over OTLP only"
                    + " (Jaeger and Zipkin ingest OTLP directly)");
        }
        String endpoint = httpUrl(n, "endpoint").orElse(d.endpoint());
        TracingProtocol byPort = URI.create(endpoint).getPort() == 4317
                ? TracingProtocol.GRPC
                : TracingProtocol.HTTP_PROTOBUF;
        TracingProtocol protocol = n.choice("protocol", byPort);
        if (enabled && protocol == TracingProtocol.GRPC) {
            // the JDK HTTP sender speaks OTLP/HTTP only; gRPC would need OkHttp (Kotlin) or grpc-java
            n.error(n.has("protocol") ? "protocol" : "endpoint", "OTLP over grpc"
                    + (n.has("protocol") ? "" : " (the default for port 4317)")
                    + " is not supported: pg-mcp exports traces over OTLP/HTTP; set protocol: http/protobuf and point"
                    + " endpoint at the collector's OTLP/HTTP port (4318 by default, e.g. http://localhost:4318)");
        }
        double sampleRate = n.number("sample_rate", d.sampleRate(), 0, 1);
        String serviceName = n.string("service_name", d.serviceName());
        return n.build(() -> new TracingConfig(enabled, endpoint, protocol, sampleRate, serviceName), d);
    }

    private LoggingConfig logging(ConfigNode n) {
        LoggingConfig d = LoggingConfig.defaults();
        System.Logger.Level level = n.choice("level", d.level(), LOG_LEVELS);
        LogFormat format = n.choice("format", d.format());
        boolean includeTraceId = n.bool("include_trace_id", d.includeTraceId());
        boolean logSql = n.bool("log_sql", d.logSql());
        Duration slowQuery = n.seconds("slow_query_threshold", d.slowQueryThreshold(), 0.1, 86_400);
        return n.build(() -> new LoggingConfig(level, format, includeTraceId, logSql, slowQuery), d);
    }

    private RetrySettings retry(ConfigNode n) {
        return new RetrySettings(retryConfig(n.child("openai"), RetryConfig.openaiDefaults()),
                retryConfig(n.child("database"), RetryConfig.databaseDefaults()));
    }

    private RetryConfig retryConfig(ConfigNode n, RetryConfig d) {
        int maxRetries = n.integer("max_retries", d.maxRetries(), 0, 10);
        BackoffStrategyType strategy = n.choice("backoff_strategy", d.backoffStrategy());
        Duration initialDelay = n.seconds("initial_delay", d.initialDelay(), 0.001, 300);
        Duration maxDelay = n.seconds("max_delay", d.maxDelay(), 0.001, 300);
        double multiplier = n.number("multiplier", d.multiplier(), 1, 10);
        return n.build(() -> new RetryConfig(maxRetries, strategy, initialDelay, maxDelay, multiplier), d);
    }

    private AuditConfig audit(ConfigNode n) {
        AuditConfig d = AuditConfig.defaults(env);
        boolean enabled = n.bool("enabled", d.enabled());
        AuditStorage storage = n.choice("storage", d.storage());
        Path filePath = n.optionalString("file_path").flatMap(p -> path(n, "file_path", p)).orElse(d.filePath());
        int maxSizeMb = n.integer("max_size_mb", d.maxSizeMb(), 10, 10_240);
        int maxFiles = n.integer("max_files", d.maxFiles(), 1, 1000);
        boolean redactSql = n.bool("redact_sql", d.redactSql());
        boolean compress = n.bool("compress", d.compress());
        boolean fsync = n.bool("fsync", d.fsync());
        boolean urlGiven = n.has("database_url");
        Optional<ConnectionTarget> database = Optional.empty();
        Optional<String> url = n.secretText("database_url");
        if (url.isPresent()) {
            try {
                database = Optional.of(ConnectionTarget.parse(url.get()));
            } catch (IllegalArgumentException e) {
                n.error("database_url", e.getMessage());
            }
        }
        if (urlGiven && database.isEmpty()) {
            return d;
        }
        Optional<ConnectionTarget> target = database;
        return n.build(
                () -> new AuditConfig(enabled, storage, filePath, maxSizeMb, maxFiles, redactSql, compress, fsync,
                        target),
                d);
    }

    /** An http(s) URL, if given; the message never echoes it, since a URL may carry credentials. */
    private static Optional<String> httpUrl(ConfigNode n, String key) {
        Optional<String> text = n.secretText(key);
        if (text.isPresent() && !isHttpUrl(text.get())) {
            n.error(key, "must be an http:// or https:// URL with a host");
            return Optional.empty();
        }
        return text;
    }

    private static boolean isHttpUrl(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean isOrigin(String text) {
        if (!isHttpUrl(text)) {
            return false;
        }
        URI uri = URI.create(text);
        return (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
                && uri.getRawUserInfo() == null && uri.getRawFragment() == null;
    }

    private static Optional<Path> path(ConfigNode n, String key, String text) {
        try {
            return Optional.of(Path.of(text));
        } catch (InvalidPathException e) {
            n.error(key, "is not a valid path: " + e.getReason());
            return Optional.empty();
        }
    }

    private static Map<String, System.Logger.Level> levels() {
        Map<String, System.Logger.Level> levels = new LinkedHashMap<>();
        levels.put("trace", System.Logger.Level.TRACE);
        levels.put("debug", System.Logger.Level.DEBUG);
        levels.put("info", System.Logger.Level.INFO);
        levels.put("warn", System.Logger.Level.WARNING);
        levels.put("warning", System.Logger.Level.WARNING);
        levels.put("error", System.Logger.Level.ERROR);
        return Collections.unmodifiableMap(levels);
    }
}
