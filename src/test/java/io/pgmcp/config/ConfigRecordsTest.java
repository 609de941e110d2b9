package io.pgmcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The records enforce their invariants when built in code, not only when loaded. */
class ConfigRecordsTest {
    private static final DatabaseConfig MAIN = DatabaseConfig.of("main", ConnectionTarget.of("h", "d"));

    @Test
    void buildsAValidConfigFromDefaults() {
        PgMcpConfig config = PgMcpConfig.of(List.of(MAIN));

        assertEquals("jdbc:postgresql://h:5432/d?sslmode=prefer", config.databases().getFirst().jdbcUrl());
        assertEquals(Transport.STDIO, config.server().transport());
    }

    @Test
    void copiesListsDefensively() {
        List<String> allowed = new ArrayList<>(List.of("orders"));
        TableAccessConfig tables = new TableAccessConfig(allowed, List.of());
        allowed.add("users");

        assertEquals(List.of("orders"), tables.allowed());
        assertThrows(UnsupportedOperationException.class, () -> tables.allowed().add("x"));
    }

    @Test
    void rejectsDuplicateDatabaseNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PgMcpConfig.of(List.of(MAIN, MAIN)));

        assertEquals("databases[1].name: duplicate database name 'main' (also databases[0])", e.getMessage());
    }

    @Test
    void rejectsSwitchingToStdioWithStdoutAudit() {
        AuditConfig stdout = new AuditConfig(true, AuditStorage.STDOUT,
                AuditConfig.defaultFilePath(Map.of("HOME", "/h")),
                100, 10, false, false, false, Optional.empty());
        PgMcpConfig http = new PgMcpConfig(List.of(MAIN), OpenAiConfig.defaults(),
                ServerConfig.defaults().withTransport(Transport.HTTP), RateLimitConfig.defaults(),
                ObservabilityConfig.defaults(), RetrySettings.defaults(), stdout);

        assertThrows(IllegalArgumentException.class,
                () -> http.withServer(http.server().withTransport(Transport.STDIO)));
    }

    @Test
    void rejectsInvalidValuesInConstructors() {
        assertThrows(IllegalArgumentException.class, () -> new TableAccessConfig(List.of("a"), List.of("A")));
        assertThrows(IllegalArgumentException.class, () -> new ColumnAccessConfig(List.of("nodot"), List.of(),
                OnDenied.REJECT, SelectStarPolicy.REJECT));
        assertThrows(IllegalArgumentException.class, () -> new FunctionAccessConfig(List.of("f()")));
        assertThrows(IllegalArgumentException.class,
                () -> new HttpConfig("0.0.0.0", 80, List.of(), List.of(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new RetryConfig(1, BackoffStrategyType.FIXED,
                Duration.ofSeconds(2), Duration.ofSeconds(1), 2));
        assertThrows(IllegalArgumentException.class, () -> new DatabaseConfig("bad name", ConnectionTarget.of("h", "d"),
                2, 10, AccessPolicyConfig.defaults()));
        assertThrows(IllegalArgumentException.class,
                () -> new AccessPolicyConfig(List.of(), TableAccessConfig.defaults(),
                        ColumnAccessConfig.defaults(), ExplainPolicyConfig.defaults(),
                        FunctionAccessConfig.defaults()));
        assertThrows(NullPointerException.class,
                () -> new OpenAiConfig(null, "m", Optional.empty(), Duration.ofSeconds(1)));
    }

    @Test
    void httpAllowsAnyLoopbackWithoutTokens() {
        for (String host : List.of("127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]")) {
            assertEquals(host, new HttpConfig(host, 8080, List.of(), List.of(), Optional.empty()).host());
        }
        assertTrue(new HttpConfig("0.0.0.0", 8080, List.of(new Secret("t")), List.of(), Optional.empty())
                .authTokens().size() == 1);
    }

    @Test
    void auditFileDefaultsFollowXdgThenHome() {
        assertEquals(java.nio.file.Path.of("/x/state/pg-mcp/audit.jsonl"),
                AuditConfig.defaultFilePath(Map.of("XDG_STATE_HOME", "/x/state", "HOME", "/h")));
        assertEquals(java.nio.file.Path.of("/h/.local/state/pg-mcp/audit.jsonl"),
                AuditConfig.defaultFilePath(Map.of("XDG_STATE_HOME", "relative", "HOME", "/h")));
        assertEquals(java.nio.file.Path.of("/h/.local/state/pg-mcp/audit.jsonl"),
                AuditConfig.defaultFilePath(Map.of("HOME", "/h")));
    }

    @Test
    void openAiIsConfiguredByKeyOrBaseUrl() {
        assertTrue(new OpenAiConfig(Optional.empty(), "m", Optional.of("http://x/v1/"), Duration.ofSeconds(1))
                .configured());
        assertTrue(new OpenAiConfig(Optional.of(new Secret("k")), "m", Optional.empty(), Duration.ofSeconds(1))
                .configured());
        assertEquals(false, OpenAiConfig.defaults().configured());
    }
}
