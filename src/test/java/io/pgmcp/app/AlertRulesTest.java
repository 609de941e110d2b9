package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code conf/prometheus-alerts.yaml}: the alerts the README promises, each with a severity and a
 * summary and description; valid for {@code promtool check rules}; and firing (and not firing) as
 * {@code prometheus-alerts.test.yaml} expects under {@code promtool test rules}.
 */
class AlertRulesTest {
    private static final Duration PROMTOOL_LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void everyAlertHasASeverityASummaryAndADescription() throws IOException {
        List<JsonNode> rules = MonitoringFiles.load().rules();
        Set<String> names = new TreeSet<>();
        for (JsonNode rule : rules) {
            String name = rule.path("alert").asText();
            names.add(name);
            assertTrue(Set.of("critical", "warning").contains(rule.at("/labels/severity").asText()),
                    name + ": severity");
            assertTrue(rule.at("/annotations/summary").asText().length() > 10, name + ": summary");
            assertTrue(rule.at("/annotations/description").asText().length() > 40, name + ": description");
            assertTrue(rule.path("for").isTextual(), name + ": an explicit for:");
        }
        assertEquals(Set.of("PgMcpDown", "PgMcpDatabaseDown", "PgMcpHighErrorRatio", "PgMcpHighP99Latency",
                "PgMcpRateLimitRefusals", "PgMcpAuditWriteFailures"), names);
    }

    @Test
    void promtoolChecksTheRules() throws Exception {
        Path promtool = promtool();
        Result result = run(promtool.toString(), "check", "rules", MonitoringFiles.ALERTS.toAbsolutePath().toString());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("SUCCESS: 6 rules found"), result.output());
    }

    @Test
    void promtoolUnitTestsOfEveryAlertPass() throws Exception {
        Path promtool = promtool();
        // the test file names the rules file beside it, so both go into one folder
        Files.copy(MonitoringFiles.ALERTS, dir.resolve("prometheus-alerts.yaml"));
        Path tests = dir.resolve("prometheus-alerts.test.yaml");
        try (InputStream in = AlertRulesTest.class.getResourceAsStream("prometheus-alerts.test.yaml")) {
            assertTrue(in != null, "prometheus-alerts.test.yaml is on the test classpath");
            Files.copy(in, tests);
        }
        Set<String> tested = new TreeSet<>();
        for (String line : Files.readAllLines(tests)) {
            if (line.strip().startsWith("alertname:")) {
                tested.add(line.strip().substring("alertname:".length()).strip());
            }
        }
        Set<String> alerts = new TreeSet<>(
                MonitoringFiles.load().rules().stream().map(r -> r.path("alert").asText()).toList());
        assertEquals(alerts, tested, "every alert has a promtool unit test");

        Result result = run(promtool.toString(), "test", "rules", tests.toString());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("SUCCESS"), result.output());
    }

    private static Path promtool() {
        Optional<Path> promtool = PrometheusBinaries.find("promtool");
        assumeTrue(promtool.isPresent(), "promtool" + PrometheusBinaries.MISSING);
        return promtool.get();
    }

    private record Result(int exitCode, String output) {}

    /** Runs a command to its end (at most {@link #PROMTOOL_LIMIT}); stdout and stderr together. */
    private Result run(String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(dir, "promtool", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            if (!process.waitFor(PROMTOOL_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError(
                        String.join(" ", command) + " did not end within " + PROMTOOL_LIMIT.toSeconds() + " s");
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }
}
