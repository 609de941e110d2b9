package io.pgmcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWarningsTest {
    @TempDir
    Path dir;

    private List<String> warnings(String yaml) throws ConfigException {
        return new ConfigFixture(dir, Map.of("HOME", "/h")).load(yaml).warnings();
    }

    @Test
    void warnsAboutAnUnrestrictedDatabaseAndMissingLlm() throws ConfigException {
        List<String> warnings = warnings("databases: [{name: shop, host: h, dbname: d}]\n");

        assertEquals(3, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("databases[0] (shop): no table restrictions"), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("databases[0] (shop): no column restrictions"), warnings.get(1));
        assertTrue(warnings.get(2).startsWith("openai: neither api_key nor base_url is set; the query tool will answer"
                + " OPENAI_ERROR"), warnings.get(2));
    }

    @Test
    void warnsAboutBroadColumnPatternsAndCatalogSchemas() throws ConfigException {
        List<String> warnings = warnings("""
                databases:
                  - host: h
                    dbname: d
                    access_policy:
                      allowed_schemas: [public, pg_catalog, INFORMATION_SCHEMA]
                      tables: {denied: [secrets]}
                      columns: {denied_patterns: ["*", "*.*", "**", "*a*b*", "*.pass*"]}
                openai: {api_key: k}
                """);

        assertEquals(List.of(
                "databases[0] (main): column pattern '*' matches every column, so no column can be read",
                "databases[0] (main): column pattern '*.*' matches every column, so no column can be read",
                "databases[0] (main): column pattern '**' matches every column, so no column can be read",
                "databases[0] (main): column pattern '*a*b*' has more than two '*' and may match too broadly",
                "databases[0] (main): allowed_schemas includes pg_catalog: the system catalogs describe every object,"
                        + " role and setting in the database",
                "databases[0] (main): allowed_schemas includes INFORMATION_SCHEMA: the system catalogs describe every"
                        + " object, role and setting in the database"),
                warnings);
    }

    @Test
    void warnsAboutTracingThatNeverSamples() throws ConfigException {
        List<String> warnings = warnings(ConfigFixture.MINIMAL_DATABASE
                + "observability: {tracing: {enabled: true, sample_rate: 0}}\n");

        assertTrue(
                warnings.contains(
                        "observability.tracing: enabled with sample_rate 0, so no trace will ever be recorded"),
                warnings.toString());
    }

    @Test
    void warnsAboutLoopbackHttpWithoutTokens() throws ConfigException {
        List<String> warnings = warnings(ConfigFixture.MINIMAL_DATABASE + "server: {transport: http}\n");

        assertTrue(
                warnings.contains(
                        "server.http: no auth_tokens and no oauth; any local process or user can call the HTTP endpoint"),
                warnings.toString());
    }

    @Test
    void aFullyRestrictedConfigHasNoWarnings() throws ConfigException {
        assertEquals(List.of(), warnings("""
                databases:
                  - host: h
                    dbname: d
                    access_policy:
                      tables: {allowed: [orders]}
                      columns: {denied: [orders.card_number]}
                openai: {base_url: "http://localhost:11434/v1"}
                """));
    }
}
