package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code conf/grafana-dashboard.json} is a dashboard Grafana imports: schema version 39, a Prometheus
 * data source variable {@code DS_PROMETHEUS} every panel and variable queries through, {@code instance}
 * and {@code database} variables, unique panel ids, a layout on Grafana's 24-column grid, and panels
 * for what the operators' issue asked for. Its queries are checked against a real scrape in
 * {@link DashboardAndAlertsMetricsTest} and evaluated by a real Prometheus in {@link DatabaseDownAlertTest}.
 */
class GrafanaDashboardTest {
    private static final String DATASOURCE = "${DS_PROMETHEUS}";

    @Test
    void isAnImportableDashboardWithADataSourceVariable() throws Exception {
        JsonNode dashboard = MonitoringFiles.load().dashboard();
        assertEquals(39, dashboard.path("schemaVersion").asInt());
        assertTrue(dashboard.path("id").isNull(), "no database id: Grafana assigns one on import");
        assertFalse(dashboard.path("uid").asText().isBlank());
        assertFalse(dashboard.path("title").asText().isBlank());
        JsonNode variables = dashboard.at("/templating/list");
        JsonNode datasource = variable(variables, "DS_PROMETHEUS");
        assertEquals("datasource", datasource.path("type").asText());
        assertEquals("prometheus", datasource.path("query").asText());
        for (String name : List.of("instance", "database")) {
            JsonNode variable = variable(variables, name);
            assertEquals("query", variable.path("type").asText(), name);
            assertEquals(DATASOURCE, variable.at("/datasource/uid").asText(), name);
            assertTrue(variable.path("includeAll").asBoolean() && variable.path("multi").asBoolean(), name);
            assertEquals(".*", variable.path("allValue").asText(), name + ": All matches every value, \"\" included");
        }
        assertEquals("database", MonitoringFiles.load().variableQueries().stream()
                .filter(v -> v.name().equals("database")).findFirst().orElseThrow().label());
    }

    @Test
    void everyPanelQueriesTheDataSourceVariableAndFitsTheGrid() throws Exception {
        MonitoringFiles files = MonitoringFiles.load();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : files.panels()) {
            String title = panel.path("title").asText();
            assertTrue(ids.add(panel.path("id").asInt()), "panel ids are unique: " + title);
            JsonNode grid = panel.path("gridPos");
            assertTrue(grid.path("x").asInt() >= 0 && grid.path("w").asInt() > 0
                    && grid.path("x").asInt() + grid.path("w").asInt() <= 24 && grid.path("h").asInt() > 0,
                    title + ": " + grid);
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertEquals(DATASOURCE, panel.at("/datasource/uid").asText(), title);
            assertFalse(panel.path("targets").isEmpty(), title + " has a query");
            for (JsonNode target : panel.path("targets")) {
                assertEquals(DATASOURCE, target.at("/datasource/uid").asText(), title);
                assertFalse(target.path("expr").asText().isBlank(), title);
                assertFalse(target.path("refId").asText().isBlank(), title);
            }
        }
    }

    @Test
    void showsWhatTheOperatorsAskedFor() throws Exception {
        String queries = MonitoringFiles.load().dashboardQueries().toString();
        for (String wanted : List.of("sum by (error_code) (rate(pg_mcp_requests_total",
                "histogram_quantile(0.99, sum by (le) "
                        + "(rate(pg_mcp_request_duration_seconds_bucket",
                "pg_mcp_policy_check_total{instance=~\"$instance\", result=\"denied\"}",
                "rate(pg_mcp_rate_limit_exceeded_total", "pg_mcp_db_pool_size", "pg_mcp_db_pool_available",
                "pg_mcp_database_up",
                "rate(pg_mcp_openai_tokens_used_total", "increase(pg_mcp_audit_write_failures_total")) {
            assertTrue(queries.contains(wanted), wanted + " is on the dashboard");
        }
    }

    private static JsonNode variable(JsonNode variables, String name) {
        for (JsonNode variable : variables) {
            if (variable.path("name").asText().equals(name)) {
                return variable;
            }
        }
        throw new AssertionError("no variable " + name + " in " + variables);
    }
}
