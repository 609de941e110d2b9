package io.pgmcp.config;

import java.net.URI;
import java.net.URISyntaxException;
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
        HttpConfig http = HttpBinder.http(n.child("http"));
        Duration shutdown = n.seconds("shutdown_timeout", d.shutdownTimeout(), 1, 300);
        return n.build(
                () -> new ServerConfig(maxRows, maxBytes, queryTimeout, resultValidation, executeSql, maxSqlRetry,
                        cacheRefresh, transport, http, shutdown),
                d);
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

    static boolean isHttpUrl(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** {@code text} as a path, or empty with an error at {@code key}. */
    static Optional<Path> path(ConfigNode n, String key, String text) {
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
