package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.app.MonitoringFiles.Expression;
import io.pgmcp.llm.StubLlmServer;
import io.pgmcp.mcp.HttpTestClient;
import io.pgmcp.observability.Scrape;
import io.pgmcp.query.ErrorCode;
import io.pgmcp.testing.PostgresDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard and the alert rules against a real scrape: a whole pg-mcp (real PostgreSQL, a stub
 * LLM) answers a success, a policy refusal, a question with one feedback retry, a call to a database
 * that went away and a rate-limit refusal; then every metric name the dashboard's queries, its
 * variables and the alerts' expressions use must be a sample name of the scrape, with the type the
 * expression needs, and every label they match or group by must be on it.
 */
@Timeout(90)
class DashboardAndAlertsMetricsTest {
    /** Labels Prometheus adds to every scraped series; pg-mcp does not export them. */
    private static final Set<String> TARGET_LABELS = Set.of("instance", "job");
    private static final Pattern TYPE_LINE = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE);

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("""
            CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, ssn text);
            INSERT INTO customers SELECT g, 'c' || g, 'ssn' || g FROM generate_series(1, 30) g;
            ANALYZE;
            """);

    @TempDir
    Path dir;

    @Test
    void everyMetricAndLabelTheDashboardAndAlertsUseIsExported() throws Exception {
        Scrape scrape;
        try (StubLlmServer llm = StubLlmServer.start()) {
            llm.replyJson("{\"sql\": \"SELECT ssn FROM customers\", \"explanation\": \"the numbers\"}")
                    .replyJson("{\"sql\": \"SELECT count(*) AS n FROM customers\", \"explanation\": \"counts\"}");
            try (MeteredServer server = MeteredServer.start(db.get(), dir, "{columns: {denied: [\"customers.ssn\"]}}",
                    """
                            openai: {api_key: "sk-test-dashboard-0000", model: stub-model, base_url: "%s", timeout: 5}
                            rate_limit: {per_client_per_minute: 4}
                            """.formatted(llm.baseUrl()))) {
                HttpTestClient client = server.client();
                assertSuccess(
                        client.call(1, "execute_sql", "{\"sql\": \"SELECT id, name FROM customers WHERE id < 4\"}"));
                assertError("COLUMN_ACCESS_DENIED",
                        client.call(2, "execute_sql", "{\"sql\": \"SELECT ssn FROM customers\"}"));
                assertSuccess(client.call(3, "query", "{\"question\": \"how many customers?\"}"));
                assertEquals(1.0, server.scrape().value("pg_mcp_database_up", "database", "main"),
                        "up before the outage");

                server.stopDatabase();
                assertError("CONNECTION_ERROR",
                        client.call(4, "execute_sql", "{\"sql\": \"SELECT id FROM customers WHERE id = 1\"}"));
                assertError("RATE_LIMIT_EXCEEDED", client.call(5, "execute_sql", "{\"sql\": \"SELECT 1\"}"));
                scrape = server.scrape();
            }
        }

        assertEquals(0.0, scrape.value("pg_mcp_database_up", "database", "main"),
                "down after a call could not connect");
        assertEquals(1.0, scrape.value("pg_mcp_database_outages_total", "database", "main"));
        assertEquals(0.0, scrape.value("pg_mcp_audit_write_failures_total", "storage", "file"));
        // whatever their database label: a failed call that named no database is counted under ""
        assertEquals(1.0, sum(scrape, "pg_mcp_requests_total", "error_code", "COLUMN_ACCESS_DENIED"));
        assertEquals(1.0, sum(scrape, "pg_mcp_requests_total", "error_code", "CONNECTION_ERROR"));
        assertEquals(1.0, sum(scrape, "pg_mcp_requests_total", "error_code", "RATE_LIMIT_EXCEEDED"));
        assertEquals(1.0, scrape.value("pg_mcp_rate_limit_exceeded_total", "limit_type", "per_client_per_minute"));
        assertEquals(1.0,
                scrape.value("pg_mcp_sql_retries_total", "database", "main", "reason", "COLUMN_ACCESS_DENIED"));
        assertEquals(2.0 * StubLlmServer.PROMPT_TOKENS,
                scrape.value("pg_mcp_openai_tokens_used_total", "type", "prompt"));
        assertEquals(2.0 * StubLlmServer.COMPLETION_TOKENS,
                scrape.value("pg_mcp_openai_tokens_used_total", "type", "completion"));

        Map<String, String> types = types(scrape);
        MonitoringFiles files = MonitoringFiles.load();
        List<String> problems = new ArrayList<>();
        for (Expression expression : files.allExpressions()) {
            problems.addAll(check(expression, scrape, types));
        }
        for (Expression query : files.dashboardQueries()) {
            if (PromQl.metricNames(query.promql()).isEmpty()) {
                problems.add(query.origin() + ": uses no pg-mcp metric: " + query.promql());
            }
        }
        assertEquals(List.of(), problems, "scrape:\n" + scrape.text());

        Set<String> shown = new TreeSet<>();
        files.dashboardQueries()
                .forEach(q -> PromQl.metricNames(q.promql()).forEach(name -> shown.add(family(name, types))));
        Set<String> exported = new TreeSet<>(types.keySet().stream().filter(name -> name.startsWith("pg_mcp_"))
                .map(name -> family(name, types)).toList());
        exported.removeAll(shown);
        assertEquals(Set.of(), exported, "every metric pg-mcp exports has a panel on the dashboard");
    }

    /**
     * What is wrong with {@code expression} against {@code scrape}; empty when nothing is. (An alert
     * may use Prometheus's own {@code up} and no pg-mcp metric.)
     */
    private static List<String> check(Expression expression, Scrape scrape, Map<String, String> types) {
        List<String> problems = new ArrayList<>();
        String where = expression.origin() + ": ";
        Set<String> names = PromQl.metricNames(expression.promql());
        Set<String> labels = new TreeSet<>(TARGET_LABELS);
        for (String name : names) {
            if (!scrape.has(name)) {
                problems.add(where + name + " is not a sample name of the scrape");
                continue;
            }
            String type = types.get(family(name, types));
            if (name.endsWith("_bucket") && !"histogram".equals(type)) {
                problems.add(where + name + " is used as histogram buckets but its family is a " + type);
            }
            labels.addAll(labelNames(scrape, name));
        }
        for (String name : PromQl.rateArguments(expression.promql())) {
            String type = types.get(family(name, types));
            boolean counter = "counter".equals(type)
                    || "histogram".equals(type) && name.matches(".*_(bucket|count|sum)$");
            if (scrape.has(name) && !counter) {
                problems.add(where + "rate/increase over " + name + ", a " + type + ", not a counter");
            }
        }
        for (PromQl.LabelMatcher matcher : PromQl.matchers(expression.promql())) {
            if (TARGET_LABELS.contains(matcher.label()) || !scrape.has(matcher.metric())) {
                continue;
            }
            List<String> values = scrape.labelValues(matcher.metric(), matcher.label());
            if (!labelNames(scrape, matcher.metric()).contains(matcher.label())) {
                problems.add(where + matcher.metric() + " has no label " + matcher.label());
            } else if (matcher.label().equals("error_code")) {
                for (String code : matcher.alternatives()) {
                    if (Arrays.stream(ErrorCode.values()).noneMatch(c -> c.name().equals(code))) {
                        problems.add(where + code + " is not an error code");
                    }
                }
            } else if (matcher.op().equals("=") && !matcher.value().contains("$")
                    && !values.contains(matcher.value())) {
                problems.add(where + matcher.metric() + "{" + matcher.label() + "=\"" + matcher.value()
                        + "\"} matches nothing; the values are "
                        + values);
            }
        }
        for (String label : PromQl.groupingLabels(expression.promql())) {
            if (!labels.contains(label)) {
                problems.add(where + "groups by " + label + ", a label none of " + names + " has");
            }
        }
        return problems;
    }

    /** The metric family a sample name belongs to, as the {@code # TYPE} lines name it. */
    private static String family(String sample, Map<String, String> types) {
        if (types.containsKey(sample)) {
            return sample;
        }
        for (String suffix : List.of("_bucket", "_count", "_sum", "_total", "_info")) {
            String base = sample.endsWith(suffix) ? sample.substring(0, sample.length() - suffix.length()) : null;
            if (base != null && types.containsKey(base)) {
                return base;
            }
        }
        return sample;
    }

    private static Map<String, String> types(Scrape scrape) {
        Map<String, String> types = new TreeMap<>();
        Matcher m = TYPE_LINE.matcher(scrape.text());
        while (m.find()) {
            types.put(m.group(1), m.group(2));
        }
        return types;
    }

    /** The sum of the series named {@code name} whose {@code label} is {@code value}. */
    private static double sum(Scrape scrape, String name, String label, String value) {
        double sum = 0;
        for (int i = 0; i < scrape.series().size(); i++) {
            var series = scrape.series().get(i);
            if (series.getKey().equals(name) && value.equals(series.getValue().get(label))) {
                sum += scrape.values().get(i);
            }
        }
        return sum;
    }

    private static Set<String> labelNames(Scrape scrape, String name) {
        Set<String> labels = new TreeSet<>();
        scrape.series().stream().filter(s -> s.getKey().equals(name))
                .forEach(s -> labels.addAll(s.getValue().keySet()));
        return labels;
    }

    private static void assertSuccess(HttpTestClient.Reply reply) {
        JsonNode result = reply.answer().at("/result");
        assertFalse(result.path("isError").asBoolean(), result.toString());
    }

    private static void assertError(String code, HttpTestClient.Reply reply) {
        JsonNode result = reply.answer().at("/result");
        assertTrue(result.path("isError").asBoolean(), result.toString());
        assertEquals(code, result.at("/structuredContent/error_code").asText(), result.toString());
    }
}
