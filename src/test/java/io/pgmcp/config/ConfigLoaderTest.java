package io.pgmcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    /** A complete example configuration (the shape conf/config.example.yaml documents), verbatim. */
    static final String APPENDIX_A = """
            # config.yaml

            databases:
              - name: "production"
                host: "localhost"
                port: 5432
                dbname: "mydb"
                user: "mcp_readonly"
                password: "${DB_PASSWORD}"
                ssl_mode: "prefer"
                min_pool_size: 2
                max_pool_size: 10

                access_policy:
                  allowed_schemas:
                    - "public"
                    - "analytics"
                  tables:
                    allowed:
                      - "orders"
                      - "products"
                      - "users"
                    denied:
                      - "user_credentials"
                  columns:
                    denied:
                      - "users.password_hash"
                      - "users.ssn"
                    denied_patterns:
                      - "*._password*"
                      - "*._secret*"
                    on_denied: "reject"
                    select_star_policy: "reject"
                  explain_policy:
                    enabled: true
                    max_estimated_rows: 100000
                    max_estimated_cost: 10000
                    deny_seq_scan_on_large_tables: true
                    large_table_threshold: 10000

            openai:
              api_key: "${OPENAI_API_KEY}"
              model: "gpt-4o-mini"

            server:
              max_result_rows: 1000
              query_timeout: 30.0

            rate_limit:
              enabled: true
              requests_per_minute: 60
              tokens_per_minute: 100000

            observability:
              metrics:
                enabled: true
                port: 9090
              tracing:
                enabled: false
              logging:
                slow_query_threshold: 5.0

            audit:
              enabled: true
              storage: "file"
              file_path: "/var/log/pg-mcp/audit.jsonl"
            """;

    @TempDir
    Path dir;

    private final Map<String, String> env = Map.of("DB_PASSWORD", "s3cret", "OPENAI_API_KEY", "sk-test", "HOME",
            "/home/t");

    @Test
    void loadsAppendixAWithItsValues() throws ConfigException {
        PgMcpConfig config = new ConfigFixture(dir, env).load(APPENDIX_A).config();

        DatabaseConfig db = config.databases().getFirst();
        assertEquals("production", db.name());
        assertEquals("localhost", db.host());
        assertEquals(5432, db.port());
        assertEquals("mydb", db.dbname());
        assertEquals(Optional.of("mcp_readonly"), db.user());
        assertEquals("s3cret", db.password().orElseThrow().reveal());
        assertEquals(SslMode.PREFER, db.sslMode());
        assertEquals("jdbc:postgresql://localhost:5432/mydb?sslmode=prefer", db.jdbcUrl());
        AccessPolicyConfig policy = db.accessPolicy();
        assertEquals(List.of("public", "analytics"), policy.allowedSchemas());
        assertEquals(List.of("orders", "products", "users"), policy.tables().allowed());
        assertEquals(List.of("user_credentials"), policy.tables().denied());
        assertEquals(List.of("users.password_hash", "users.ssn"), policy.columns().denied());
        assertEquals(List.of("*._password*", "*._secret*"), policy.columns().deniedPatterns());
        assertEquals(OnDenied.REJECT, policy.columns().onDenied());
        assertEquals(10_000.0, policy.explainPolicy().maxEstimatedCost());
        assertEquals("sk-test", config.openai().apiKey().orElseThrow().reveal());
        assertTrue(config.openai().configured());
        assertEquals(Duration.ofSeconds(30), config.server().queryTimeout());
        assertEquals(Path.of("/var/log/pg-mcp/audit.jsonl"), config.audit().filePath());
    }

    @Test
    void fillsEverythingAppendixALeavesOutWithDefaults() throws ConfigException {
        PgMcpConfig config = new ConfigFixture(dir, env).load(APPENDIX_A).config();

        ExplainPolicyConfig explain = config.databases().getFirst().accessPolicy().explainPolicy();
        assertEquals(Duration.ofSeconds(5), explain.timeout());
        assertEquals(Duration.ofSeconds(60), explain.cacheTtl());
        assertEquals(1000, explain.cacheMaxSize());
        assertEquals(List.of(), config.databases().getFirst().accessPolicy().functions().allowed());
        assertEquals(OpenAiConfig.DEFAULT_BASE_URL, config.openai().effectiveBaseUrl());
        assertEquals(Duration.ofSeconds(30), config.openai().timeout());
        assertEquals(ServerConfig.defaults(), config.server());
        RateLimitConfig rate = config.rateLimit();
        assertEquals(1000, rate.requestsPerHour());
        assertEquals(20, rate.perClientPerMinute());
        assertEquals(ClientIdentifier.AUTO, rate.clientIdentifier());
        assertEquals(RateLimitStrategy.REJECT, rate.strategy());
        ObservabilityConfig d = ObservabilityConfig.defaults();
        assertEquals(
                new ObservabilityConfig(new MetricsConfig(Optional.of(true), d.metrics().host(), d.metrics().port(),
                        d.metrics().path()), d.tracing(), d.logging()),
                config.observability(), "appendix A sets metrics.enabled: true");
        assertEquals(RetrySettings.defaults(), config.retry());
        assertEquals(AuditStorage.FILE, config.audit().storage());
        assertEquals(100, config.audit().maxSizeMb());
        assertEquals(10, config.audit().maxFiles());
        assertFalse(config.audit().compress());
    }

    @Test
    void minimalConfigHasEveryDefault() throws ConfigException {
        PgMcpConfig config = new ConfigFixture(dir).load(ConfigFixture.MINIMAL_DATABASE).config();

        DatabaseConfig db = config.databases().getFirst();
        assertEquals("main", db.name());
        assertEquals(5432, db.port());
        assertEquals(2, db.minPoolSize());
        assertEquals(10, db.maxPoolSize());
        assertEquals(AccessPolicyConfig.defaults(), db.accessPolicy());
        assertEquals(OpenAiConfig.defaults(), config.openai());
        assertEquals(ServerConfig.defaults(), config.server());
        assertEquals(RateLimitConfig.defaults(), config.rateLimit());
        assertEquals(ObservabilityConfig.defaults(), config.observability());
        assertEquals(RetrySettings.defaults(), config.retry());
        assertEquals(AuditConfig.defaults(Map.of("HOME", "/home/tester")), config.audit());
        assertEquals(Path.of("/home/tester/.local/state/pg-mcp/audit.jsonl"), config.audit().filePath());
    }

    @Test
    void readsAJsonFile() throws ConfigException {
        String json = """
                {"databases": [{"name": "analytics", "url": "postgresql://ro@db:6432/stats"}],
                 "server": {"max_result_rows": 50, "transport": "http"},
                 "rate_limit": {"strategy": "delay", "max_queue_wait": 2.5}}
                """;
        PgMcpConfig config = new ConfigFixture(dir).load(json).config();

        assertEquals("analytics", config.databases().getFirst().name());
        assertEquals("db:6432/stats", config.databases().getFirst().displayTarget());
        assertEquals(50, config.server().maxResultRows());
        assertEquals(Transport.HTTP, config.server().transport());
        assertEquals(RateLimitStrategy.DELAY, config.rateLimit().strategy());
        assertEquals(Duration.ofMillis(2500), config.rateLimit().maxQueueWait());
    }

    @Test
    void readsEveryNonDefaultValue() throws ConfigException {
        String yaml = """
                databases:
                  - name: a
                    url: postgres://u:p@h/d?sslmode=verify-full
                    min_pool_size: 0
                    max_pool_size: 1
                    access_policy:
                      columns: {on_denied: filter, select_star_policy: expand_safe}
                      explain_policy: {enabled: false, timeout_seconds: 1.5, cache_ttl_seconds: 10, cache_max_size: 100}
                      functions: {allowed: [my_fn, util.safe_fn]}
                openai: {base_url: "http://localhost:11434/v1/", timeout: 600}
                server:
                  query_timeout: 0.1
                  cache_refresh_interval: 0
                  enable_execute_sql: false
                  transport: http
                  http: {host: 0.0.0.0, port: 9000, auth_tokens: [t1-0123456789abcdef], allowed_origins: ["https://app.example.com"]}
                  shutdown_timeout: 300
                rate_limit: {enabled: false, client_identifier: ip, strategy: queue, tokens_per_hour: 5000000000}
                observability:
                  metrics: {enabled: false, host: 0.0.0.0, port: 1024, path: /m}
                  tracing: {enabled: true, endpoint: "https://otel:4318", sample_rate: 1, service_name: svc}
                  logging: {level: WARN, format: console, include_trace_id: false, log_sql: true, slow_query_threshold: 0.1}
                retry:
                  openai: {max_retries: 0, backoff_strategy: fibonacci, initial_delay: 0.001, max_delay: 300, multiplier: 10}
                audit: {storage: database, database_url: "postgresql://audit@h/audit", max_size_mb: 10, fsync: true}
                """;
        PgMcpConfig config = new ConfigFixture(dir).load(yaml).config();

        DatabaseConfig db = config.databases().getFirst();
        assertEquals(SslMode.VERIFY_FULL, db.sslMode());
        assertEquals(OnDenied.FILTER, db.accessPolicy().columns().onDenied());
        assertEquals(SelectStarPolicy.EXPAND_SAFE, db.accessPolicy().columns().selectStarPolicy());
        assertEquals(Duration.ofMillis(1500), db.accessPolicy().explainPolicy().timeout());
        assertEquals(List.of("my_fn", "util.safe_fn"), db.accessPolicy().functions().allowed());
        assertTrue(config.openai().configured());
        assertEquals("http://localhost:11434/v1", config.openai().effectiveBaseUrl());
        assertEquals(Duration.ZERO, config.server().cacheRefreshInterval());
        assertEquals(Duration.ofMillis(100), config.server().queryTimeout());
        assertEquals("0.0.0.0", config.server().http().host());
        assertEquals("t1-0123456789abcdef", config.server().http().authTokens().getFirst().token().reveal());
        assertEquals(5_000_000_000L, config.rateLimit().tokensPerHour());
        assertEquals(TracingProtocol.HTTP_PROTOBUF, config.observability().tracing().protocol());
        assertEquals(System.Logger.Level.WARNING, config.observability().logging().level());
        assertEquals(LogFormat.CONSOLE, config.observability().logging().format());
        assertEquals(BackoffStrategyType.FIBONACCI, config.retry().openai().backoffStrategy());
        assertEquals(Duration.ofMillis(1), config.retry().openai().initialDelay());
        assertEquals("h:5432/audit", config.audit().database().orElseThrow().displayTarget());
    }

    @Test
    void metricsAreServedByDefaultOnlyWithTheHttpTransport() throws ConfigException {
        ConfigFixture fixture = new ConfigFixture(dir);
        MetricsConfig unset = fixture.load(ConfigFixture.MINIMAL_DATABASE).config().observability().metrics();
        assertEquals(Optional.empty(), unset.enabled());
        assertFalse(unset.enabledFor(Transport.STDIO), "one process per desktop client must not each bind 9090");
        assertTrue(unset.enabledFor(Transport.HTTP));

        MetricsConfig on = fixture.load(ConfigFixture.MINIMAL_DATABASE + "observability: {metrics: {enabled: true}}\n")
                .config().observability().metrics();
        assertTrue(on.enabledFor(Transport.STDIO));
        MetricsConfig off = fixture
                .load(ConfigFixture.MINIMAL_DATABASE + "observability: {metrics: {enabled: false}}\n")
                .config().observability().metrics();
        assertFalse(off.enabledFor(Transport.HTTP));
    }

    @Test
    void requestLimitsCoverStdioSqlOnlyWhenAsked() throws ConfigException {
        RateLimitConfig defaults = RateLimitConfig.defaults();
        assertFalse(defaults.limitsRequests(Transport.STDIO, false),
                "stdio execute_sql is not request-limited by default");
        assertTrue(defaults.limitsRequests(Transport.STDIO, true), "query pays for an LLM: always limited");
        assertTrue(defaults.limitsRequests(Transport.HTTP, false), "every HTTP call is limited");

        RateLimitConfig all = new ConfigFixture(dir)
                .load(ConfigFixture.MINIMAL_DATABASE + "rate_limit: {stdio_all_tools: true}\n")
                .config().rateLimit();
        assertTrue(all.limitsRequests(Transport.STDIO, false));
    }

    @Test
    void tracingProtocolDefaultsToHttpExceptOnPort4317() throws ConfigException {
        ConfigFixture fixture = new ConfigFixture(dir);
        String base = ConfigFixture.MINIMAL_DATABASE + "observability: {tracing: {endpoint: \"%s\"%s}}\n";

        assertEquals(TracingProtocol.GRPC, fixture.load(base.formatted("http://c:4317", ""))
                .config().observability().tracing().protocol());
        assertEquals(TracingProtocol.HTTP_PROTOBUF, fixture.load(base.formatted("http://c:4318", ""))
                .config().observability().tracing().protocol());
        assertEquals(TracingProtocol.GRPC, fixture.load(base.formatted("http://c:4318", ", protocol: grpc"))
                .config().observability().tracing().protocol());
        assertEquals(TracingProtocol.HTTP_PROTOBUF, fixture.load(base.formatted("https://otlp.example.com", ""))
                .config().observability().tracing().protocol(), "only port 4317 means gRPC");
    }

    @Test
    void rejectsDuplicateYamlKeysNamingThePath() {
        List<String> errors = new ConfigFixture(dir).errors("""
                databases:
                  - host: a
                    dbname: b
                    port: 1
                    port: 2
                """);

        assertEquals(1, errors.size());
        assertTrue(errors.getFirst().startsWith("databases[0].port: duplicate key"), errors.toString());
    }

    @Test
    void rejectsDuplicateJsonKeys() {
        List<String> errors = new ConfigFixture(dir).errors("{\"databases\": [], \"databases\": []}");

        assertTrue(errors.getFirst().startsWith("databases: duplicate key"), errors.toString());
    }

    @Test
    void rejectsAFileOverOneMebibyte() {
        ConfigFixture fixture = new ConfigFixture(dir);
        String big = ConfigFixture.MINIMAL_DATABASE + ("# padding\n".repeat(ConfigLoader.MAX_FILE_BYTES / 10 + 1));

        List<String> errors = fixture.errors(big);

        assertEquals(1, errors.size());
        assertTrue(errors.getFirst().endsWith("is larger than 1 MiB"), errors.toString());
    }

    @Test
    void acceptsAFileOfExactlyOneMebibyte() throws ConfigException {
        StringBuilder padded = new StringBuilder(ConfigFixture.MINIMAL_DATABASE);
        while (padded.length() + 64 <= ConfigLoader.MAX_FILE_BYTES) {
            padded.append("#".repeat(63)).append('\n');
        }
        padded.append("#".repeat(ConfigLoader.MAX_FILE_BYTES - padded.length()));

        assertEquals(1, new ConfigFixture(dir).load(padded.toString()).config().databases().size());
    }

    @Test
    void rejectsAnEmptyFile() {
        ConfigFixture fixture = new ConfigFixture(dir);

        assertEquals(List.of("config file is empty"), fixture.errors(""));
        assertEquals(List.of("config file is empty"), fixture.errors("# only a comment\n\n"));
    }

    @Test
    void rejectsARootThatIsNotAMapping() {
        List<String> errors = new ConfigFixture(dir).errors("- databases\n- server\n");

        assertTrue(errors.getFirst().startsWith("config file must hold a mapping at the top level"), errors.toString());
    }

    @Test
    void rejectsSeveralYamlDocuments() {
        List<String> errors = new ConfigFixture(dir).errors(ConfigFixture.MINIMAL_DATABASE + "---\nserver: {}\n");

        assertTrue(errors.getFirst().contains("more than one YAML document"), errors.toString());
    }

    @Test
    void rejectsYamlAliasesInsteadOfMisreadingThem() {
        List<String> errors = new ConfigFixture(dir).errors("""
                databases:
                  - host: &h db.example
                    dbname: *h
                """);

        assertEquals(
                List.of("databases[0].dbname: YAML aliases (*name) are not supported; write the value out (line 3)"),
                errors);
    }

    @Test
    void reportsSyntaxErrorsWithLineButWithoutFileContent() {
        List<String> errors = new ConfigFixture(dir).errors("""
                databases:
                  - host: a
                    password: "hunter2-unclosed
                """);

        assertEquals(1, errors.size());
        assertTrue(errors.getFirst().startsWith("config file is not valid YAML or JSON"), errors.toString());
        assertTrue(errors.getFirst().contains("line 3"), errors.toString());
        assertFalse(errors.getFirst().contains("hunter2"), errors.toString());
    }

    @Test
    void reportsAMissingFile() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new ConfigLoader(Map.of()).load(dir.resolve("nope.yaml")));

        assertEquals(List.of("config file not found: " + dir.resolve("nope.yaml")), e.errors());
    }

    @Test
    void reportsADirectory() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("conf.d"));

        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of()).load(sub));

        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    @Test
    void exceptionMessageJoinsAllErrors() {
        ConfigException e = new ConfigException(List.of("a: one", "b: two"));

        assertEquals("a: one\nb: two", e.getMessage());
        assertEquals(List.of("a: one", "b: two"), e.errors());
    }
}
