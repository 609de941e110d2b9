package io.pgmcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps {@code conf/config.example.yaml} loadable and in step with the defaults it documents. */
class ExampleConfigTest {
    private static final Path EXAMPLE = Path.of("conf/config.example.yaml");

    @Test
    void exampleConfigIsValidAndShowsTheDefaults() throws ConfigException {
        LoadedConfig loaded = new ConfigLoader(Map.of("DB_PASSWORD", "pw", "HOME", "/home/t",
                "PG_MCP_INTROSPECTION_SECRET", "secret")).load(EXAMPLE);
        PgMcpConfig config = loaded.config();

        DatabaseConfig db = config.databases().getFirst();
        assertEquals("pw", db.password().orElseThrow().reveal());
        assertEquals(AccessPolicyConfig.defaults(), db.accessPolicy());
        assertEquals(DatabaseConfig.DEFAULT_MIN_POOL_SIZE, db.minPoolSize());
        assertEquals(DatabaseConfig.DEFAULT_MAX_POOL_SIZE, db.maxPoolSize());
        assertEquals(OpenAiConfig.defaults(), config.openai());
        assertEquals(ServerConfig.defaults(), config.server());
        assertEquals(RateLimitConfig.defaults(), config.rateLimit());
        assertEquals(ObservabilityConfig.defaults(), config.observability());
        assertEquals(RetrySettings.defaults(), config.retry());
        assertEquals(AuditConfig.defaults(Map.of("HOME", "/home/t")), config.audit());
    }

    @Test
    void everyKeyLineHasAComment() throws Exception {
        Pattern keyLine = Pattern.compile("^\\s*(- )?[a-z_]+:.*$");
        for (String line : Files.readAllLines(EXAMPLE)) {
            Matcher m = keyLine.matcher(line);
            if (m.matches() && !line.strip().endsWith(":")) {
                assertTrue(line.contains(" # "), "no comment on: " + line);
            }
        }
    }

    @Test
    void theCommentedPrincipalsSectionIsValidOnceUncommentedWithTheHttpTransport(@TempDir Path dir) throws Exception {
        String text = Files.readString(EXAMPLE);
        int start = text.indexOf("# principals:");
        // the principals need callers with credentials: the commented oauth block too
        int oauth = text.indexOf("    # oauth:");
        int oauthEnd = text.indexOf("    allowed_origins:", oauth);
        String withOAuth = text.substring(0, oauth)
                + text.substring(oauth, oauthEnd).lines().map(line -> line.replaceFirst("^(\\s*)# ", "$1"))
                        .collect(java.util.stream.Collectors.joining("\n", "", "\n"))
                + text.substring(oauthEnd, start);
        String uncommented = withOAuth.replace("transport: \"stdio\"", "transport: \"http\"")
                + text.substring(start).lines().map(line -> line.startsWith("# ") ? line.substring(2) : line)
                        .collect(java.util.stream.Collectors.joining("\n"));
        Path file = Files.writeString(dir.resolve("example.yaml"), uncommented);
        PgMcpConfig config = new ConfigLoader(Map.of("DB_PASSWORD", "pw", "HOME", "/home/t",
                "PG_MCP_INTROSPECTION_SECRET", "secret")).load(file).config();

        assertEquals("https://mcp.example.com/mcp", config.server().http().oauth().orElseThrow().resource());
        PrincipalConfig analysts = config.principals().getFirst();
        assertEquals(new PrincipalMatch.Claim("groups", "analysts"), analysts.match());
        PrincipalDatabase main = analysts.database("main").orElseThrow();
        assertEquals(java.util.Optional.of("analyst"), main.role());
        assertEquals(java.util.List.of("orders"), main.accessPolicy().tables().allowed());
        assertEquals(java.util.List.of("*.email"), main.accessPolicy().columns().deniedPatterns());
    }
}
