package io.pgmcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvironmentConfigTest {
    private static PgMcpConfig load(Map<String, String> env) throws ConfigException {
        return new ConfigLoader(env).fromEnvironment().config();
    }

    private static List<String> errors(Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> load(env)).errors();
    }

    @Test
    void buildsOneDatabaseFromHostVariables() throws ConfigException {
        PgMcpConfig config = load(Map.of(
                "PG_MCP_DATABASE_NAME", "sales",
                "PG_MCP_DATABASE_HOST", "db.internal",
                "PG_MCP_DATABASE_PORT", "6432",
                "PG_MCP_DATABASE_DBNAME", "sales_db",
                "PG_MCP_DATABASE_USER", "ro",
                "PG_MCP_DATABASE_PASSWORD", "pw",
                "PG_MCP_DATABASE_SSL_MODE", "require"));

        DatabaseConfig db = config.databases().getFirst();
        assertEquals("sales", db.name());
        assertEquals("jdbc:postgresql://db.internal:6432/sales_db?sslmode=require", db.jdbcUrl());
        assertEquals(Optional.of("ro"), db.user());
        assertEquals("pw", db.password().orElseThrow().reveal());
        assertEquals(AccessPolicyConfig.defaults(), db.accessPolicy());
        assertEquals(ServerConfig.defaults(), config.server());
        assertFalse(config.openai().configured());
    }

    @Test
    void buildsOneDatabaseFromAUrl() throws ConfigException {
        DatabaseConfig db = load(Map.of("PG_MCP_DATABASE_URL", "postgres://ro:p%40ss@db:5433/app?sslmode=disable"))
                .databases().getFirst();

        assertEquals("main", db.name());
        assertEquals("db:5433/app", db.displayTarget());
        assertEquals("p@ss", db.password().orElseThrow().reveal());
        assertEquals(SslMode.DISABLE, db.sslMode());
    }

    @Test
    void readsOpenAiAndServerVariables() throws ConfigException {
        PgMcpConfig config = load(Map.of(
                "PG_MCP_DATABASE_URL", "postgresql://h/d",
                "PG_MCP_OPENAI_API_KEY", "sk-1",
                "PG_MCP_OPENAI_MODEL", "gpt-x",
                "PG_MCP_OPENAI_BASE_URL", "http://localhost:8000/v1",
                "PG_MCP_OPENAI_TIMEOUT", "12.5",
                "PG_MCP_SERVER_MAX_RESULT_ROWS", "77",
                "PG_MCP_SERVER_TRANSPORT", "http",
                "PG_MCP_SERVER_ENABLE_EXECUTE_SQL", "false",
                "PG_MCP_SERVER_CACHE_REFRESH_INTERVAL", "0"));

        assertEquals("sk-1", config.openai().apiKey().orElseThrow().reveal());
        assertEquals("gpt-x", config.openai().model());
        assertEquals("http://localhost:8000/v1", config.openai().effectiveBaseUrl());
        assertEquals(Duration.ofMillis(12_500), config.openai().timeout());
        assertEquals(77, config.server().maxResultRows());
        assertEquals(Transport.HTTP, config.server().transport());
        assertFalse(config.server().enableExecuteSql());
        assertEquals(Duration.ZERO, config.server().cacheRefreshInterval());
    }

    @Test
    void fallsBackToOpenAiApiKey() throws ConfigException {
        assertEquals("sk-plain", load(Map.of("PG_MCP_DATABASE_URL", "postgresql://h/d", "OPENAI_API_KEY", "sk-plain"))
                .openai().apiKey().orElseThrow().reveal());
        assertEquals("sk-ours", load(Map.of("PG_MCP_DATABASE_URL", "postgresql://h/d", "OPENAI_API_KEY", "sk-plain",
                "PG_MCP_OPENAI_API_KEY", "sk-ours")).openai().apiKey().orElseThrow().reveal());
    }

    @Test
    void namesTheVariableInErrors() {
        List<String> errors = errors(Map.of(
                "PG_MCP_DATABASE_HOST", "h",
                "PG_MCP_DATABASE_DBNAME", "d",
                "PG_MCP_DATABASE_PORT", "0",
                "PG_MCP_SERVER_MAX_RESULT_ROWS", "many",
                "PG_MCP_SERVER_TRANSPORT", "carrier-pigeon"));

        assertEquals(List.of(
                "PG_MCP_DATABASE_PORT (databases[0].port): 0 is below the minimum 1",
                "PG_MCP_SERVER_MAX_RESULT_ROWS (server.max_result_rows): expected an integer, got string \"many\"",
                "PG_MCP_SERVER_TRANSPORT (server.transport): \"carrier-pigeon\" is not one of stdio, http"), errors);
    }

    @Test
    void rejectsUrlTogetherWithHost() {
        List<String> errors = errors(Map.of("PG_MCP_DATABASE_URL", "postgresql://h/d", "PG_MCP_DATABASE_HOST", "h"));

        assertEquals(List.of("PG_MCP_DATABASE_HOST (databases[0].host): cannot be combined with url: give either url or"
                + " host, port and dbname"), errors);
    }

    @Test
    void rejectsUnknownPgMcpVariables() {
        Map<String, String> env = new HashMap<>(Map.of("PG_MCP_DATABASE_URL", "postgresql://h/d",
                "PG_MCP_AUDIT_ENABLED", "false", "PG_MCP_SERVER_MAX_ROWS", "5"));
        env.put("PG_MCP_CONFIG", "");
        env.put("PG_MCP_TEST_URL", "postgresql://x/y");
        env.put("PGHOST", "ignored");
        // the launchers pass it to the JVM: an environment-only configuration must not refuse it
        env.put("PG_MCP_JAVA_OPTS", "-Xmx256m");

        List<String> errors = errors(env);

        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("PG_MCP_AUDIT_ENABLED: unknown environment variable"), errors.get(0));
        assertEquals("PG_MCP_SERVER_MAX_ROWS (server.max_rows): unknown key", errors.get(1));
    }

    @Test
    void readsRateLimitVariables() throws ConfigException {
        PgMcpConfig config = load(Map.of(
                "PG_MCP_DATABASE_URL", "postgresql://h/d",
                "PG_MCP_RATE_LIMIT_PER_CLIENT_PER_MINUTE", "120",
                "PG_MCP_RATE_LIMIT_REQUESTS_PER_HOUR", "5000",
                "PG_MCP_RATE_LIMIT_TOKENS_PER_MINUTE", "2000",
                "PG_MCP_RATE_LIMIT_STRATEGY", "queue",
                "PG_MCP_RATE_LIMIT_STDIO_ALL_TOOLS", "true"));

        RateLimitConfig limits = config.rateLimit();
        assertEquals(120, limits.perClientPerMinute());
        assertEquals(5000, limits.requestsPerHour());
        assertEquals(2000, limits.tokensPerMinute());
        assertEquals(RateLimitStrategy.QUEUE, limits.strategy());
        assertTrue(limits.stdioAllTools());
        assertEquals(RateLimitConfig.defaults().requestsPerMinute(), limits.requestsPerMinute());
        assertFalse(load(Map.of("PG_MCP_DATABASE_URL", "postgresql://h/d", "PG_MCP_RATE_LIMIT_ENABLED", "false"))
                .rateLimit().enabled());
    }

    @Test
    void namesTheRateLimitVariableInErrors() {
        assertEquals(List.of("PG_MCP_RATE_LIMIT_PER_CLIENT (rate_limit.per_client): unknown key",
                "PG_MCP_RATE_LIMIT_PER_CLIENT_PER_MINUTE (rate_limit.per_client_per_minute): 0 is below the minimum 1"),
                errors(Map.of("PG_MCP_DATABASE_URL", "postgresql://h/d", "PG_MCP_RATE_LIMIT_PER_CLIENT_PER_MINUTE", "0",
                        "PG_MCP_RATE_LIMIT_PER_CLIENT", "5")).stream().sorted().toList());
    }

    @Test
    void readsMetricsVariables() throws ConfigException {
        PgMcpConfig config = load(Map.of("PG_MCP_DATABASE_URL", "postgresql://h/d", "PG_MCP_METRICS_ENABLED", "true",
                "PG_MCP_METRICS_PORT", "9464"));

        assertEquals(Optional.of(true), config.observability().metrics().enabled());
        assertTrue(config.observability().metrics().enabledFor(Transport.STDIO));
        assertEquals(9464, config.observability().metrics().port());
        assertEquals(Optional.empty(),
                load(Map.of("PG_MCP_DATABASE_URL", "postgresql://h/d")).observability().metrics().enabled());
    }

    @Test
    void suggestsTheIntendedServerVariable() {
        List<String> errors = errors(
                Map.of("PG_MCP_DATABASE_URL", "postgresql://h/d", "PG_MCP_SERVER_TRANSPRT", "http"));

        assertEquals(List.of("PG_MCP_SERVER_TRANSPRT (server.transprt): unknown key (did you mean 'transport'?)"),
                errors);
    }

    @Test
    void reportsNoConfigurationAtAll() {
        List<String> errors = errors(Map.of("HOME", "/root", "PG_MCP_CONFIG", "", "OPENAI_API_KEY", "sk"));

        assertEquals(List.of("no configuration: pass --config FILE, set PG_MCP_CONFIG, or set PG_MCP_DATABASE_URL"
                + " (or PG_MCP_DATABASE_HOST and PG_MCP_DATABASE_DBNAME)"), errors);
    }

    @Test
    void requiresDbnameWithHost() {
        assertEquals(List.of("databases[0].dbname: required when host is given"),
                errors(Map.of("PG_MCP_DATABASE_HOST", "h")));
    }

    @Test
    void ignoresEmptyVariables() throws ConfigException {
        PgMcpConfig config = load(Map.of("PG_MCP_DATABASE_URL", "postgresql://h/d", "PG_MCP_DATABASE_PASSWORD", "",
                "PG_MCP_SERVER_TRANSPORT", ""));

        assertTrue(config.databases().getFirst().password().isEmpty());
        assertEquals(Transport.STDIO, config.server().transport());
    }
}
