package io.pgmcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigValidationTest {
    @TempDir
    Path dir;

    private ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ConfigFixture(dir);
    }

    private List<String> errorsWith(String extra) {
        return fixture.errors(ConfigFixture.MINIMAL_DATABASE + extra);
    }

    private static void assertOnly(String expected, List<String> errors) {
        assertEquals(List.of(expected), errors);
    }

    @Test
    void rejectsUnknownKeySuggestingTheClosestOne() {
        assertOnly("server.transprt: unknown key (did you mean 'transport'?)",
                errorsWith("server: {transprt: http}\n"));
    }

    @Test
    void rejectsUnknownTopLevelKey() {
        assertOnly("databse: unknown key (did you mean 'databases'?)", errorsWith("databse: {}\n"));
        assertOnly("colour: unknown key", errorsWith("colour: blue\n"));
    }

    @Test
    void rejectsUnknownKeyDeepInsideADatabase() {
        List<String> errors = fixture.errors("""
                databases:
                  - host: h
                    dbname: d
                    access_policy:
                      explain_policy: {max_rows: 5}
                """);

        assertOnly("databases[0].access_policy.explain_policy.max_rows: unknown key", errors);
    }

    @Test
    void rejectsWrongTypeNamingTheValue() {
        assertOnly("rate_limit.enabled: expected a boolean, got string \"maybe\"",
                errorsWith("rate_limit: {enabled: maybe}\n"));
        assertOnly("server.max_result_rows: expected an integer, got string \"100\"",
                errorsWith("server: {max_result_rows: \"100\"}\n"));
        assertOnly("server.max_result_rows: expected an integer, got number 10.5",
                errorsWith("server: {max_result_rows: 10.5}\n"));
        assertOnly("openai.model: expected a string, got number 4 (put the value in quotes)",
                errorsWith("openai: {model: 4}\n"));
        assertOnly("server: expected a mapping, got a list", errorsWith("server: [1]\n"));
        assertOnly("databases[0].access_policy.allowed_schemas: expected a list, got string \"public\"",
                fixture.errors("""
                        databases:
                          - {host: h, dbname: d, access_policy: {allowed_schemas: public}}
                        """));
    }

    @Test
    void rejectsOutOfRangeValues() {
        assertOnly("databases[0].access_policy.explain_policy.max_estimated_rows: 500 is below the minimum 1000",
                fixture.errors("""
                        databases:
                          - {host: h, dbname: d, access_policy: {explain_policy: {max_estimated_rows: 500}}}
                        """));
        assertOnly("databases[0].port: 70000 is above the maximum 65535",
                fixture.errors("databases: [{host: h, dbname: d, port: 70000}]\n"));
        assertOnly("server.query_timeout: 0.05 is below the minimum 0.1",
                errorsWith("server: {query_timeout: 0.05}\n"));
        assertOnly("observability.metrics.port: 80 is below the minimum 1024",
                errorsWith("observability: {metrics: {port: 80}}\n"));
        assertOnly("observability.tracing.sample_rate: 1.5 is above the maximum 1",
                errorsWith("observability: {tracing: {sample_rate: 1.5}}\n"));
        assertOnly("audit.max_size_mb: 5 is below the minimum 10", errorsWith("audit: {max_size_mb: 5}\n"));
        assertOnly("retry.database.multiplier: 0.5 is below the minimum 1",
                errorsWith("retry: {database: {multiplier: 0.5}}\n"));
    }

    @Test
    void cacheRefreshIntervalIsZeroOrAtLeastTenSeconds() {
        assertOnly("server.cache_refresh_interval: must be 0 (no background refresh) or at least 10 seconds",
                errorsWith("server: {cache_refresh_interval: 5}\n"));
    }

    @Test
    void rejectsUnknownEnumValuesListingTheChoices() {
        assertOnly("server.transport: \"sse\" is not one of stdio, http", errorsWith("server: {transport: sse}\n"));
        assertOnly(
                "databases[0].ssl_mode: \"on\" is not one of disable, allow, prefer, require, verify-ca, verify-full",
                fixture.errors("databases: [{host: h, dbname: d, ssl_mode: \"on\"}]\n"));
        assertOnly("observability.logging.level: \"loud\" is not one of trace, debug, info, warn, warning, error",
                errorsWith("observability: {logging: {level: loud}}\n"));
    }

    @Test
    void rejectsTableBothAllowedAndDeniedNamingIt() {
        List<String> errors = fixture.errors("""
                databases:
                  - host: h
                    dbname: d
                    access_policy:
                      tables: {allowed: [orders, Users], denied: [users]}
                """);

        assertOnly("databases[0].access_policy.tables: tables both allowed and denied: users", errors);
    }

    @Test
    void rejectsDuplicateDatabaseNames() {
        List<String> errors = fixture.errors("""
                databases:
                  - {name: main, host: a, dbname: a}
                  - {name: main, host: b, dbname: b}
                """);

        assertOnly("databases[1].name: duplicate database name 'main' (also databases[0])", errors);
    }

    @Test
    void rejectsInvalidDatabaseName() {
        assertOnly("databases[0].name: \"my db\" must be 1-63 letters, digits, '_' or '-'",
                fixture.errors("databases: [{name: my db, host: h, dbname: d}]\n"));
    }

    @Test
    void rejectsMalformedDeniedColumn() {
        List<String> errors = fixture.errors("""
                databases:
                  - host: h
                    dbname: d
                    access_policy:
                      columns: {denied: [users.ssn, ssn, a.b.c.d]}
                """);

        assertEquals(List.of(
                "databases[0].access_policy.columns.denied[1]: \"ssn\" must be table.column or schema.table.column",
                "databases[0].access_policy.columns.denied[2]: \"a.b.c.d\" must be table.column or schema.table.column"),
                errors);
    }

    @Test
    void rejectsMalformedFunctionName() {
        assertOnly("databases[0].access_policy.functions.allowed[0]: \"pg_sleep(1)\" is not a function name"
                + " (name or schema.name, letters, digits and _)",
                fixture.errors(
                        "databases: [{host: h, dbname: d, access_policy: {functions: {allowed: [\"pg_sleep(1)\"]}}}]\n"));
    }

    @Test
    void rejectsUrlCombinedWithHost() {
        List<String> errors = fixture.errors("databases: [{url: \"postgresql://h/d\", host: h, dbname: d}]\n");

        assertEquals(List.of(
                "databases[0].host: cannot be combined with url: give either url or host, port and dbname",
                "databases[0].dbname: cannot be combined with url: give either url or host, port and dbname"), errors);
    }

    @Test
    void rejectsUserNextToAUrlThatHasOne() {
        assertOnly("databases[0].user: cannot be given when url contains a user name",
                fixture.errors("databases: [{url: \"postgresql://a@h/d\", user: b}]\n"));
    }

    @Test
    void acceptsUserAndPasswordNextToAUrlWithout() throws ConfigException {
        DatabaseConfig db = fixture.load("databases: [{url: \"postgresql://h/d\", user: b, password: pw}]\n")
                .config().databases().getFirst();

        assertEquals("b", db.user().orElseThrow());
        assertEquals("pw", db.password().orElseThrow().reveal());
    }

    @Test
    void requiresUrlOrHostAndDbnameWithHost() {
        assertOnly("databases[0]: one of url or host is required", fixture.errors("databases: [{dbname: d}]\n"));
        assertOnly("databases[0].dbname: required when host is given", fixture.errors("databases: [{host: h}]\n"));
    }

    @Test
    void requiresAtLeastOneDatabase() {
        assertOnly("databases: at least one database is required", fixture.errors("server: {}\n"));
        assertOnly("databases: at least one database is required", fixture.errors("databases: []\n"));
    }

    @Test
    void rejectsStdoutAuditOnStdioTransport() {
        List<String> errors = errorsWith("audit: {storage: stdout}\n");

        assertEquals(1, errors.size());
        assertTrue(errors.getFirst().startsWith("audit.storage: stdout cannot be used with server.transport stdio"),
                errors.toString());
    }

    @Test
    void acceptsStdoutAuditOnHttpTransport() throws ConfigException {
        PgMcpConfig config = fixture.load(ConfigFixture.MINIMAL_DATABASE
                + "server: {transport: http}\naudit: {storage: stdout}\n").config();

        assertEquals(AuditStorage.STDOUT, config.audit().storage());
    }

    @Test
    void rejectsNonLoopbackHttpWithoutTokens() {
        List<String> errors = errorsWith("server: {http: {host: 0.0.0.0}}\n");

        assertEquals(1, errors.size());
        assertTrue(
                errors.getFirst()
                        .startsWith("server.http: host '0.0.0.0' is not a loopback address and auth_tokens is empty"),
                errors.toString());
    }

    @Test
    void rejectsGuessableBearerTokensWithoutEchoingThem() throws ConfigException {
        List<String> errors = errorsWith(
                "server: {http: {auth_tokens: [\"short-tok\", \"has a space in it here\"]}}\n");

        assertEquals(List.of(
                "server.http.auth_tokens[0]: a bearer token needs at least 16 characters and no spaces (9 given); make one with `openssl rand -base64 32`",
                "server.http.auth_tokens[1]: a bearer token needs at least 16 characters and no spaces (22 given); make one with `openssl rand -base64 32`"),
                errors);
        assertEquals("0123456789abcdef", fixture.load(ConfigFixture.MINIMAL_DATABASE
                + "server: {http: {auth_tokens: [\"0123456789abcdef\"]}}\n").config().server().http().authTokens()
                .getFirst().token().reveal(),
                "16 characters are enough");
    }

    @Test
    void bindsHttpSessionBoundsAndRejectsOutOfRange() throws ConfigException {
        HttpConfig http = fixture.load(ConfigFixture.MINIMAL_DATABASE
                + "server: {http: {max_sessions: 12, session_idle_timeout: 90}}\n").config().server().http();
        assertEquals(12, http.maxSessions());
        assertEquals(java.time.Duration.ofSeconds(90), http.sessionIdleTimeout());
        HttpConfig defaults = fixture.load(ConfigFixture.MINIMAL_DATABASE).config().server().http();
        assertEquals(HttpConfig.DEFAULT_MAX_SESSIONS, defaults.maxSessions());
        assertEquals(HttpConfig.DEFAULT_SESSION_IDLE_TIMEOUT, defaults.sessionIdleTimeout());
        assertTrue(errorsWith("server: {http: {max_sessions: 0}}\n").getFirst().startsWith("server.http.max_sessions"));
        assertTrue(errorsWith("server: {http: {session_idle_timeout: 5}}\n").getFirst()
                .startsWith("server.http.session_idle_timeout"));
    }

    @Test
    void bindsPerClientSessionBoundAndRequestReadTimeout() throws ConfigException {
        HttpConfig http = fixture.load(ConfigFixture.MINIMAL_DATABASE
                + "server: {http: {max_sessions: 50, max_sessions_per_client: 7, request_read_timeout: 12}}\n").config()
                .server().http();
        assertEquals(7, http.maxSessionsPerClient());
        assertEquals(java.time.Duration.ofSeconds(12), http.requestReadTimeout());
        HttpConfig defaults = fixture.load(ConfigFixture.MINIMAL_DATABASE).config().server().http();
        assertEquals(100, defaults.maxSessionsPerClient());
        assertEquals(java.time.Duration.ofSeconds(30), defaults.requestReadTimeout());
        assertEquals(10, fixture.load(ConfigFixture.MINIMAL_DATABASE + "server: {http: {max_sessions: 20}}\n")
                .config().server().http().maxSessionsPerClient(), "half of a small table by default");
        List<String> equal = errorsWith("server: {http: {max_sessions: 10, max_sessions_per_client: 10}}\n");
        assertTrue(
                equal.getFirst().startsWith("server.http.max_sessions_per_client")
                        && equal.getFirst().contains("below max_sessions"),
                equal::toString);
        assertTrue(errorsWith("server: {http: {max_sessions_per_client: 0}}\n").getFirst()
                .startsWith("server.http.max_sessions_per_client"));
        assertTrue(errorsWith("server: {http: {request_read_timeout: 0}}\n").getFirst()
                .startsWith("server.http.request_read_timeout"));
    }

    @Test
    void rejectsOtlpMetricsExporterPointingAtTheCollector() {
        List<String> errors = errorsWith("observability: {metrics: {exporter: otlp}}\n");

        assertEquals(1, errors.size());
        assertTrue(errors.getFirst().startsWith("observability.metrics.exporter: \"otlp\" is not supported: metrics are"
                + " exported in Prometheus format only"), errors.toString());
        assertTrue(errors.getFirst().contains("OpenTelemetry Collector's prometheus receiver"), errors.toString());
        assertOnly(
                "observability.metrics.exporter: \"statsd\" is not supported: metrics are exported in Prometheus format only",
                errorsWith("observability: {metrics: {exporter: statsd}}\n"));
    }

    @Test
    void rejectsTracingExportersOtherThanOtlp() {
        assertOnly("observability.tracing.exporter: \"jaeger\" is not supported: traces are exported over OTLP only"
                + " (Jaeger and Zipkin ingest OTLP directly)",
                errorsWith("observability: {tracing: {exporter: jaeger}}\n"));
    }

    @Test
    void rejectsEnabledTracingOverGrpcWhichTheJdkSenderCannotSpeak() throws ConfigException {
        assertOnly(
                "observability.tracing.protocol: OTLP over grpc is not supported: pg-mcp exports traces over OTLP/HTTP;"
                        + " set protocol: http/protobuf and point endpoint at the collector's OTLP/HTTP port (4318 by default,"
                        + " e.g. http://localhost:4318)",
                errorsWith("observability: {tracing: {enabled: true, protocol: grpc}}\n"));
        assertOnly("observability.tracing.endpoint: OTLP over grpc (the default for port 4317) is not"
                + " supported: pg-mcp exports traces over OTLP/HTTP; set protocol: http/protobuf and point endpoint at the"
                + " collector's OTLP/HTTP port (4318 by default, e.g. http://localhost:4318)",
                errorsWith("observability: {tracing: {enabled: true, endpoint: \"http://otel:4317\"}}\n"));
        assertEquals(TracingProtocol.HTTP_PROTOBUF, fixture.load(ConfigFixture.MINIMAL_DATABASE
                + "observability: {tracing: {enabled: true, endpoint: \"http://otel:4317\", protocol: http/protobuf}}\n")
                .config().observability().tracing().protocol(), "any port works with http/protobuf");
        assertEquals("http://localhost:4318",
                fixture.load(ConfigFixture.MINIMAL_DATABASE + "observability: {tracing: {enabled: true}}\n")
                        .config().observability().tracing().endpoint(),
                "the default endpoint is OTLP/HTTP");
    }

    @Test
    void rejectsNonHttpUrls() {
        assertOnly("openai.base_url: must be an http:// or https:// URL with a host",
                errorsWith("openai: {base_url: \"ftp://x\"}\n"));
        assertOnly("observability.tracing.endpoint: must be an http:// or https:// URL with a host",
                errorsWith("observability: {tracing: {endpoint: localhost:4317}}\n"));
    }

    @Test
    void rejectsMetricsPathWithoutLeadingSlash() {
        assertOnly("observability.metrics.path: \"metrics\" must start with /",
                errorsWith("observability: {metrics: {path: metrics}}\n"));
    }

    @Test
    void rejectsPoolMinimumAboveMaximum() {
        assertOnly("databases[0]: min_pool_size (20) must not exceed max_pool_size (10)",
                fixture.errors("databases: [{host: h, dbname: d, min_pool_size: 20}]\n"));
    }

    @Test
    void rejectsInitialDelayAboveMaxDelay() {
        assertOnly("retry.openai: initial_delay (60 s) must not exceed max_delay (30 s)",
                errorsWith("retry: {openai: {initial_delay: 60}}\n"));
    }

    @Test
    void requiresDatabaseUrlExactlyForDatabaseAuditStorage() {
        assertOnly("audit: database_url is required when storage is database",
                errorsWith("audit: {storage: database}\n"));
        assertOnly("audit: database_url is only used with storage: database",
                errorsWith("audit: {database_url: \"postgresql://h/audit\"}\n"));
    }

    @Test
    void requiresAnExistingTlsKeystore() {
        assertOnly("server.http.tls.keystore: file not found: " + dir.resolve("none.p12"),
                errorsWith("server: {http: {tls: {keystore: \"" + dir.resolve("none.p12") + "\"}}}\n"));
        assertOnly("server.http.tls.keystore: required when tls is given",
                errorsWith("server: {http: {tls: {password: x}}}\n"));
    }

    @Test
    void acceptsAnExistingTlsKeystore() throws ConfigException {
        Path keystore = fixture.write("server.p12", "not really a keystore");

        TlsConfig tls = fixture.load(ConfigFixture.MINIMAL_DATABASE + "server: {http: {tls: {keystore: \"" + keystore
                + "\", password: pw}}}\n").config().server().http().tls().orElseThrow();

        assertEquals(keystore, tls.keystore());
        assertEquals("pw", tls.password().orElseThrow().reveal());
    }

    @Test
    void rejectsOriginsWithPaths() {
        assertOnly(
                "server.http.allowed_origins[0]: \"https://a.example/app\" is not an origin (scheme://host[:port], no path)",
                errorsWith("server: {http: {allowed_origins: [\"https://a.example/app\"]}}\n"));
    }

    @Test
    void reportsSeveralErrorsTogether() {
        List<String> errors = fixture.errors("""
                databases:
                  - {name: a, host: h, dbname: d, port: 0}
                  - {name: a, url: "mysql://h/d"}
                server:
                  max_result_rows: 0
                  transprt: http
                rate_limit: {enabled: "yes"}
                audit: {storage: stdout}
                observability: {metrics: {exporter: otlp}}
                """);

        assertEquals(8, errors.size(), String.join("\n", errors));
        List<String> prefixes = List.of("databases[0].port:", "databases[1].url:", "server.max_result_rows:",
                "rate_limit.enabled:", "observability.metrics.exporter:", "databases[1].name:", "audit.storage:",
                "server.transprt:");
        for (int i = 0; i < prefixes.size(); i++) {
            assertTrue(errors.get(i).startsWith(prefixes.get(i)), errors.get(i));
        }
    }

    @Test
    void rejectsWrongTypeOfAListElementNamingItsIndex() {
        assertOnly("databases[0].access_policy.tables.allowed[1]: expected a string, got number 42",
                fixture.errors(
                        "databases: [{host: h, dbname: d, access_policy: {tables: {allowed: [orders, 42]}}}]\n"));
    }

    @Test
    void rejectsAYamlBooleanWhereAStringBelongs() {
        assertOnly("databases[0].user: expected a string, got boolean true (put the value in quotes)",
                fixture.errors("databases: [{host: h, dbname: d, user: yes}]\n"));
    }

    @Test
    void rejectsAnInvalidHost() {
        assertOnly("databases[0].host: \"db host\" is not a host name or IP address",
                fixture.errors("databases: [{host: db host, dbname: d}]\n"));
    }

    @Test
    void treatsAnEmptySectionAsDefaults() throws ConfigException {
        PgMcpConfig config = fixture.load(ConfigFixture.MINIMAL_DATABASE + "openai:\nserver: ~\n").config();

        assertEquals(OpenAiConfig.defaults(), config.openai());
        assertEquals(ServerConfig.defaults(), config.server());
    }
}
