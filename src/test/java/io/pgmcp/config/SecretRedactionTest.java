package io.pgmcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No error, warning or {@code toString()} may ever contain a secret value. */
class SecretRedactionTest {
    private static final String SECRET = "Sup3rS3cret";

    @TempDir
    Path dir;

    private List<String> errors(String yaml) {
        List<String> errors = new ConfigFixture(dir, Map.of("S", SECRET)).errors(yaml);
        for (String error : errors) {
            assertFalse(error.contains(SECRET), "secret leaked: " + error);
            assertFalse(error.contains("12345678"), "secret leaked: " + error);
        }
        return errors;
    }

    @Test
    void databasePasswordOfTheWrongTypeIsNotEchoed() {
        List<String> errors = errors("databases: [{host: h, dbname: d, password: 12345678}]\n");

        assertEquals(
                List.of("databases[0].password: expected a string, got a number (<redacted>); put the value in quotes"),
                errors);
    }

    @Test
    void apiKeyOfTheWrongTypeIsNotEchoed() {
        assertEquals(List.of("openai.api_key: expected a string, got a number (<redacted>); put the value in quotes"),
                errors(ConfigFixture.MINIMAL_DATABASE + "openai: {api_key: 12345678}\n"));
    }

    @Test
    void authTokenOfTheWrongTypeIsNotEchoed() {
        assertEquals(List.of(
                "server.http.auth_tokens[1]: expected a string or a mapping, got a number (<redacted>); put the value in quotes"),
                errors(ConfigFixture.MINIMAL_DATABASE
                        + "server: {http: {auth_tokens: [\"${S}-long-enough\", 12345678]}}\n"));
    }

    @Test
    void tlsPasswordOfTheWrongTypeIsNotEchoed() {
        Path keystore = new ConfigFixture(dir).write("ks.p12", "x");

        List<String> errors = errors(ConfigFixture.MINIMAL_DATABASE + "server: {http: {tls: {keystore: \"" + keystore
                + "\", password: 12345678}}}\n");

        assertEquals(List
                .of("server.http.tls.password: expected a string, got a number (<redacted>); put the value in quotes"),
                errors);
    }

    @Test
    void malformedDatabaseUrlIsNotEchoed() {
        for (String url : List.of("postgresql://u:${S}@h:notaport/d", "postgresql://u:${S}@/d", "mysql://u:${S}@h/d",
                "postgresql://u:${S}@h/d?password=${S}", "postgresql://u:${S}%zz@h/d", "postgresql://u:${S}@h",
                "postgresql://u:${S}@h/d#${S}")) {
            List<String> errors = errors("databases: [{url: \"" + url + "\"}]\n");

            assertEquals(1, errors.size(), url);
            assertTrue(errors.getFirst().startsWith("databases[0].url: not a valid PostgreSQL URL: "),
                    errors.getFirst());
        }
    }

    @Test
    void databaseUrlOfTheWrongTypeIsNotEchoed() {
        assertEquals(List.of("databases[0].url: expected a string, got a number (<redacted>); put the value in quotes"),
                errors("databases: [{url: 12345678}]\n"));
    }

    @Test
    void malformedAuditDatabaseUrlIsNotEchoed() {
        List<String> errors = errors(ConfigFixture.MINIMAL_DATABASE
                + "audit: {storage: database, database_url: \"postgresql://a:${S}@h:0/audit\"}\n");

        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.getFirst().startsWith("audit.database_url: not a valid PostgreSQL URL"), errors.getFirst());
    }

    @Test
    void urlConflictsDoNotEchoTheUrl() {
        List<String> errors = errors("databases: [{url: \"postgresql://u:${S}@h/d\", password: other, host: h}]\n");

        assertEquals(2, errors.size(), errors.toString());
    }

    @Test
    void malformedBaseUrlAndEndpointAreNotEchoed() {
        errors(ConfigFixture.MINIMAL_DATABASE + "openai: {base_url: \"ftp://k:${S}@h\"}\n");
        errors(ConfigFixture.MINIMAL_DATABASE + "observability: {tracing: {endpoint: \"k:${S}@h\"}}\n");
    }

    @Test
    void syntaxErrorNextToAPasswordIsNotEchoed() {
        errors("databases: [{host: h, dbname: d, password: \"" + SECRET + "}]\n");
        errors("databases:\n  - password: " + SECRET + "\n   host: [\n");
    }

    @Test
    void unsetVariableInsideAPasswordEchoesOnlyTheVariableName() {
        assertEquals(List.of(
                "databases[0].password: environment variable NOPE is not set (use ${NOPE:-default} to give a default)"),
                errors("databases: [{host: h, dbname: d, password: \"" + SECRET + "${NOPE}\"}]\n"));
        assertTrue(errors("databases: [{host: h, dbname: d, password: \"" + SECRET + "${oops\"}]\n").getFirst()
                .startsWith("databases[0].password: unterminated ${"));
    }

    @Test
    void loadedConfigToStringHidesEverySecret() throws ConfigException {
        Path keystore = new ConfigFixture(dir).write("ks.p12", "x");
        LoadedConfig loaded = new ConfigFixture(dir, Map.of("S", SECRET)).load("""
                databases:
                  - {name: a, host: h, dbname: d, user: u, password: "${S}-db"}
                  - {name: b, url: "postgresql://u:${S}-url@h/d"}
                openai: {api_key: "${S}-key"}
                server:
                  transport: http
                  http: {auth_tokens: ["${S}-token"], tls: {keystore: "%s", password: "${S}-tls"}}
                audit: {storage: database, database_url: "postgresql://a:${S}-audit@h/audit"}
                """.formatted(keystore));

        String text = loaded.toString();
        assertFalse(text.contains(SECRET), text);
        assertTrue(text.contains("****"), text);
        assertEquals(SECRET + "-url", loaded.config().databases().get(1).password().orElseThrow().reveal());
        assertEquals(SECRET + "-audit",
                loaded.config().audit().database().orElseThrow().password().orElseThrow().reveal());
        for (String warning : loaded.warnings()) {
            assertFalse(warning.contains(SECRET), warning);
        }
    }

    @Test
    void secretToStringIsMasked() {
        assertEquals("****", new Secret(SECRET).toString());
        assertEquals(SECRET, new Secret(SECRET).reveal());
        assertFalse(String.valueOf(List.of(new Secret(SECRET))).contains(SECRET));
    }

    @Test
    void environmentModeErrorsDoNotEchoSecrets() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> new ConfigLoader(Map.of("PG_MCP_DATABASE_URL", "postgresql://u:" + SECRET + "@h:x/d",
                        "PG_MCP_DATABASE_PASSWORD", SECRET)).fromEnvironment());

        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        assertTrue(e.getMessage().startsWith("PG_MCP_DATABASE_URL (databases[0].url): not a valid PostgreSQL URL"),
                e.getMessage());
    }
}
