package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.app.MonitoringFiles.Expression;
import io.pgmcp.mcp.HttpTestClient;
import io.pgmcp.testing.PostgresDatabase;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (scrape and rule evaluation every second) scrapes a whole pg-mcp and loads the
 * alert rules; it must scrape pg-mcp, evaluate every rule and every dashboard query without error,
 * and fire PgMcpDatabaseDown within 30 s of the database going away. Skipped without the
 * {@code prometheus} binary.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseDownAlertTest {
    private static final Duration SCRAPED_WAIT = Duration.ofSeconds(20);
    private static final Duration FIRING_LIMIT = Duration.ofSeconds(30);
    /** The {@code for:} of every rule in the copy Prometheus loads (see {@link #rulesWithShortFor}). */
    private static final String SHORT_FOR = "2s";

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("CREATE TABLE items (id int PRIMARY KEY, name text)",
            "INSERT INTO items VALUES (1, 'one'), (2, 'two')");

    @TempDir
    static Path dir;

    private static MeteredServer server;
    private static PrometheusServer prometheus;

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> binary = PrometheusBinaries.find("prometheus");
        assumeTrue(binary.isPresent(), "prometheus" + PrometheusBinaries.MISSING);
        Files.createDirectories(dir.resolve("pg-mcp"));
        server = MeteredServer.start(db.get(), dir.resolve("pg-mcp"), "{}", "");
        server.scrape(); // the endpoint, started in the background, is up
        Path rules = rulesWithShortFor(dir.resolve("prometheus-alerts.yaml"));
        prometheus = PrometheusServer.start(binary.get(), dir.resolve("prometheus"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: ["%s"]
                scrape_configs:
                  - job_name: pg-mcp
                    metrics_path: /metrics
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(rules, server.metricsPort()));
    }

    @AfterAll
    static void stop() {
        try {
            if (prometheus != null) {
                prometheus.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /**
     * A copy of {@code conf/prometheus-alerts.yaml} with every non-zero {@code for:} cut to 2 s: the
     * real durations (a minute and more) would make this test wait that long, and what is tested is
     * that the expression goes true on an outage and the alert passes through pending to firing — the
     * durations themselves are checked by promtool's unit tests on virtual time (AlertRulesTest).
     */
    private static Path rulesWithShortFor(Path copy) throws IOException {
        JsonNode rules = MonitoringFiles.YAML.readTree(MonitoringFiles.ALERTS.toFile());
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("for") && !rule.path("for").asText().matches("0[smh]?")) {
                    ((ObjectNode) rule).put("for", SHORT_FOR);
                }
            }
        }
        MonitoringFiles.YAML.writeValue(copy.toFile(), rules);
        return copy;
    }

    @Test
    @Order(1)
    void prometheusScrapesPgMcpAndEvaluatesEveryRuleWithoutError() throws Exception {
        awaitScraped();
        JsonNode groups = await("every rule evaluated", Duration.ofSeconds(10), () -> prometheus.get("/api/v1/rules"),
                answer -> {
                    List<JsonNode> rules = rules(answer);
                    return !rules.isEmpty()
                            && rules.stream().noneMatch(r -> r.path("lastEvaluation").asText().startsWith("0001"));
                });
        List<JsonNode> rules = rules(groups);
        assertEquals(MonitoringFiles.load().rules().size(), rules.size(), groups.toString());
        for (JsonNode rule : rules) {
            assertEquals("ok", rule.path("health").asText(), rule.toString());
        }
    }

    @Test
    @Order(2)
    void everyDashboardQueryAndVariableEvaluates() throws Exception {
        awaitScraped();
        MonitoringFiles files = MonitoringFiles.load();
        List<String> failures = new ArrayList<>();
        for (Expression query : files.dashboardQueries()) {
            JsonNode answer = prometheus.query(PromQl.withGrafanaVariables(query.promql(), Duration.ofMinutes(5)));
            if (!answer.path("status").asText().equals("success")) {
                failures.add(query.origin() + ": " + answer);
            }
        }
        assertEquals(List.of(), failures);
        for (MonitoringFiles.VariableQuery variable : files.variableQueries()) {
            String selector = PromQl.withGrafanaVariables(variable.selector(), Duration.ofMinutes(5));
            JsonNode values = prometheus.get("/api/v1/label/" + variable.label() + "/values?match[]="
                    + URLEncoder.encode(selector, StandardCharsets.UTF_8));
            String expected = variable.label().equals("database") ? "main" : "127.0.0.1:" + server.metricsPort();
            assertTrue(values.path("data").toString().contains("\"" + expected + "\""), variable + " -> " + values);
        }
    }

    @Test
    @Order(3)
    void databaseDownAlertFiresWithin30SecondsOfTheOutage() throws Exception {
        awaitScraped();
        HttpTestClient client = server.client();
        long start = System.nanoTime();
        server.stopDatabase();
        JsonNode result = client.call(1, "execute_sql", "{\"sql\": \"SELECT id FROM items\"}").answer().at("/result");
        assertEquals("CONNECTION_ERROR", result.at("/structuredContent/error_code").asText(), result.toString());

        boolean[] sawPending = {false};
        JsonNode firing = await("PgMcpDatabaseDown firing", FIRING_LIMIT, () -> prometheus.get("/api/v1/alerts"),
                answer -> {
                    for (JsonNode alert : answer.at("/data/alerts")) {
                        if (alert.at("/labels/alertname").asText().equals("PgMcpDatabaseDown")) {
                            sawPending[0] |= alert.path("state").asText().equals("pending");
                            if (alert.path("state").asText().equals("firing")) {
                                return true;
                            }
                        }
                    }
                    return false;
                });
        double seconds = (System.nanoTime() - start) / 1e9;
        JsonNode alert = null;
        for (JsonNode candidate : firing.at("/data/alerts")) {
            if (candidate.at("/labels/alertname").asText().equals("PgMcpDatabaseDown")) {
                alert = candidate;
            }
        }
        assertTrue(alert != null, firing.toString());
        assertEquals("main", alert.at("/labels/database").asText(), alert.toString());
        assertEquals("critical", alert.at("/labels/severity").asText(), alert.toString());
        assertEquals("pg-mcp", alert.at("/labels/job").asText(), alert.toString());
        assertEquals("pg-mcp cannot reach database main (127.0.0.1:" + server.metricsPort() + ")",
                alert.at("/annotations/summary").asText());
        assertTrue(sawPending[0], "the alert was pending for its for: before firing");
        System.out.printf("PgMcpDatabaseDown fired %.1f s after the database went away%n", seconds);
    }

    /** Waits (bounded) until Prometheus has scraped pg-mcp successfully and holds its availability. */
    private static void awaitScraped() throws Exception {
        await("up{job=\"pg-mcp\"} == 1", SCRAPED_WAIT, () -> prometheus.query("up{job=\"pg-mcp\"} == 1"),
                answer -> answer.at("/data/result").size() == 1);
        await("pg_mcp_database_up scraped", SCRAPED_WAIT,
                () -> prometheus.query("pg_mcp_database_up{job=\"pg-mcp\", database=\"main\"}"),
                answer -> answer.at("/data/result").size() == 1);
    }

    private static List<JsonNode> rules(JsonNode answer) {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : answer.at("/data/groups")) {
            group.path("rules").forEach(rules::add);
        }
        return rules;
    }

    @FunctionalInterface
    private interface Call {
        JsonNode get() throws IOException, InterruptedException;
    }

    /** Polls {@code call} every 200 ms until {@code done}; the last answer and Prometheus's log name a timeout. */
    private static JsonNode await(String what, Duration limit, Call call, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        JsonNode last;
        while (true) {
            last = call.get();
            if (done.test(last)) {
                return last;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": not within " + limit.toSeconds() + " s; last answer " + last
                        + "\nprometheus log:\n" + prometheus.log());
            }
            Thread.sleep(200);
        }
    }
}
