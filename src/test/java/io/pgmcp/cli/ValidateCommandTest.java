package io.pgmcp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.catalog.ConnectionProbe;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --validate-config}: what it prints and the exit code it answers, from a file or the environment. */
class ValidateCommandTest {
    private static final String VALID = """
            databases:
              - name: shop
                url: postgresql://reader:s3cret-pw@db.example:5432/shop
                access_policy:
                  tables: {denied: [payroll]}
                  columns: {denied: [users.ssn]}
            openai: {api_key: sk-test-key}
            observability: {metrics: {enabled: false}}
            """;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int validate(String yaml, Function<PgMcpConfig, ConnectionProbe.Report> connectionCheck)
            throws IOException {
        Path file = Files.writeString(dir.resolve("config.yaml"), yaml);
        Options options = new Options(Optional.of(file), Optional.empty(), true, connectionCheck != null,
                Optional.empty(), false, false);
        return new ValidateCommand(new ConfigSource(options, Map.of()), connectionCheck)
                .run(new PrintStream(out, true, UTF_8));
    }

    private List<String> lines() {
        return out.toString(UTF_8).lines().toList();
    }

    @Test
    void aValidFileExitsZeroAndNamesItsDatabases() throws IOException {
        assertEquals(0, validate(VALID, null));
        assertEquals(List.of("Validating configuration from " + dir.resolve("config.yaml"),
                "Configuration is valid: 1 database(s) [shop], 0 warning(s)."), lines());
    }

    @Test
    void everyErrorIsPrintedWithTheCountAndExitsOne() throws IOException {
        assertEquals(1, validate("""
                databases:
                  - name: shop
                    url: postgresql://db.example/shop
                    max_pool_size: 0
                server: {transport: pigeon}
                """, null));
        List<String> lines = lines();
        List<String> errors = lines.stream().filter(l -> l.startsWith("ERROR: ")).toList();
        assertEquals(2, errors.size(), lines.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("max_pool_size")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("transport")), errors.toString());
        assertEquals("Configuration is invalid: 2 error(s).", lines.getLast());
    }

    @Test
    void warningsAreListedButTheConfigurationStaysValid() throws IOException {
        assertEquals(0, validate("""
                databases:
                  - name: shop
                    url: postgresql://db.example/shop
                observability: {metrics: {enabled: false}}
                """, null));
        List<String> warnings = lines().stream().filter(l -> l.startsWith("WARNING: ")).toList();
        assertTrue(warnings.stream().anyMatch(w -> w.contains("openai")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("no table restrictions")), warnings.toString());
        assertTrue(
                lines().getLast().matches("Configuration is valid: 1 database\\(s\\) \\[shop], \\d+ warning\\(s\\)\\."),
                lines().getLast());
    }

    @Test
    void aMetricsPortInUseIsAWarningNotAnError() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertEquals(0, validate(VALID.replace("observability: {metrics: {enabled: false}}",
                    "observability: {metrics: {enabled: true, host: 127.0.0.1, port: " + port + "}}"), null));
            List<String> lines = lines();
            assertTrue(
                    lines.stream().anyMatch(l -> l.startsWith("WARNING: observability.metrics.port: 127.0.0.1:" + port
                            + " is not available")),
                    lines.toString());
            assertEquals("Configuration is valid: 1 database(s) [shop], 1 warning(s).", lines.getLast());
        }
    }

    @Test
    void anUnreachableDatabaseFromTheConnectionCheckMakesTheConfigurationInvalid() throws IOException {
        assertEquals(1, validate(VALID, config -> new ConnectionProbe.Report(
                List.of("databases.shop: cannot connect to db.example:5432/shop"),
                List.of("databases.shop: the role is SUPERUSER"))));
        assertEquals(List.of("Validating configuration from " + dir.resolve("config.yaml"),
                "ERROR: databases.shop: cannot connect to db.example:5432/shop",
                "WARNING: databases.shop: the role is SUPERUSER",
                "Configuration is invalid: 1 error(s), 1 warning(s)."), lines());
    }

    @Test
    void aBlankPgMcpConfigMeansTheEnvironmentWhoseErrorsNameTheVariableButNoSecret() {
        Map<String, String> env = Map.of("PG_MCP_CONFIG", " ", "PG_MCP_DATABASE_URL",
                "postgresql://reader:s3cret-pw@db.example/shop",
                "PG_MCP_SERVER_TRANSPRT", "http");
        Options options = new Options(Optional.empty(), Optional.empty(), true, false, Optional.empty(), false, false);
        assertEquals(1,
                new ValidateCommand(new ConfigSource(options, env), null).run(new PrintStream(out, true, UTF_8)));
        List<String> lines = lines();
        assertEquals("Validating configuration from environment (PG_MCP_*)", lines.getFirst());
        assertEquals("ERROR: PG_MCP_SERVER_TRANSPRT (server.transprt): unknown key (did you mean 'transport'?)",
                lines.get(1));
        assertEquals("Configuration is invalid: 1 error(s).", lines.getLast());
        assertFalse(out.toString(UTF_8).contains("s3cret-pw"));
    }
}
