package io.pgmcp.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.cli.Options;
import io.pgmcp.testing.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The commands that answer and exit — usage errors, help, version, {@code --validate-config},
 * {@code --print-grants} — through {@link Main#run} in this JVM: exit code and which stream carries
 * what. (Serving installs JVM-wide logging, so the serving paths run in child processes elsewhere.)
 */
@ResourceLock(LogCapture.LOCK) // runs Main.run, which resets the logging configuration
class MainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return Main.run(args, InputStream.nullInputStream(), new PrintStream(out, true, UTF_8),
                new PrintStream(err, true, UTF_8), env);
    }

    private int run(String... args) {
        return run(Map.of(), args);
    }

    @Test
    void aBadCommandLineExitsTwoWithTheReasonAndTheUsageOnStderr() {
        assertEquals(2, run("--transport", "carrier-pigeon"));
        assertEquals("pg-mcp: --transport must be stdio or http, not 'carrier-pigeon'\n\n" + Options.USAGE,
                err.toString(UTF_8).replace(System.lineSeparator(), "\n"));
        assertEquals("", out.toString(UTF_8));
    }

    @Test
    void helpPrintsTheUsageOnStdoutAndExitsZero() {
        assertEquals(0, run("--help"));
        assertEquals(Options.USAGE, out.toString(UTF_8));
        assertEquals("", err.toString(UTF_8));
    }

    @Test
    void versionPrintsTheBuildsRecordOnStdoutAndExitsZero() {
        assertEquals(0, run("--version"));
        assertEquals(BuildInfo.load().versionLine(), out.toString(UTF_8).strip());
        assertTrue(out.toString(UTF_8).startsWith("pg-mcp "), out.toString(UTF_8));
        assertEquals("", err.toString(UTF_8));
    }

    @Test
    void validateConfigReportsOnStdoutAndExitsZeroWhenValid() throws Exception {
        Path config = Files.writeString(dir.resolve("valid.yaml"), """
                databases:
                  - name: shop
                    url: postgresql://reader@db.example/shop
                observability: {metrics: {enabled: false}}
                """);
        assertEquals(0, run("--config", config.toString(), "--validate-config"));
        assertTrue(
                out.toString(UTF_8).strip().lines().toList().getLast()
                        .startsWith("Configuration is valid: 1 database(s) [shop]"),
                out.toString(UTF_8));
        assertEquals("", err.toString(UTF_8));
    }

    @Test
    void validateConfigExitsOneForAnInvalidFileNamedByPgMcpConfig() throws Exception {
        Path config = Files.writeString(dir.resolve("invalid.yaml"), "databases: []\n");
        assertEquals(1, run(Map.of("PG_MCP_CONFIG", config.toString()), "--validate-config"));
        String report = out.toString(UTF_8);
        assertTrue(report.startsWith("Validating configuration from " + config), report);
        assertTrue(report.contains("ERROR: "), report);
    }

    @Test
    void printGrantsForADatabaseThatIsNotConfiguredExitsOneOnStderr() throws Exception {
        Path config = Files.writeString(dir.resolve("one.yaml"), """
                databases:
                  - name: shop
                    url: postgresql://reader@db.example/shop
                """);
        assertEquals(1, run("--config=" + config, "--print-grants", "warehouse"));
        assertEquals("pg-mcp: --print-grants needs one of the configured databases: [shop]",
                err.toString(UTF_8).strip());
        assertEquals("", out.toString(UTF_8));
    }
}
