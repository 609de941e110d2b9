package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PromQlTest {
    private static final String RATIO = "sum by (job, database) (rate(pg_mcp_requests_total{status=\"error\", error_code!~\"A|B\"}[5m]))"
            + " / sum without (le) (rate(pg_mcp_requests_total[5m])) and histogram_quantile(0.99, "
            + "sum by (le) (rate(pg_mcp_request_duration_seconds_bucket{job=\"pg_mcp_not_a_metric\"}[$__rate_interval])))";

    @Test
    void findsMetricNamesOutsideStringLiterals() {
        assertEquals(Set.of("pg_mcp_requests_total", "pg_mcp_request_duration_seconds_bucket"),
                PromQl.metricNames(RATIO));
        assertEquals(Set.of(), PromQl.metricNames("up{job=\"pg_mcp_x\"} == 0"));
        assertEquals(Set.of(), PromQl.metricNames("$pg_mcp_variable"));
    }

    @Test
    void findsTheMatchersOfEachSelector() {
        assertEquals(List.of(new PromQl.LabelMatcher("pg_mcp_requests_total", "status", "=", "error"),
                new PromQl.LabelMatcher("pg_mcp_requests_total", "error_code", "!~", "A|B"),
                new PromQl.LabelMatcher("pg_mcp_request_duration_seconds_bucket", "job", "=", "pg_mcp_not_a_metric")),
                PromQl.matchers(RATIO));
        assertEquals(List.of("A", "B"), PromQl.matchers(RATIO).get(1).alternatives());
    }

    @Test
    void findsGroupingLabelsAndRateArguments() {
        assertEquals(Set.of("job", "database", "le"), PromQl.groupingLabels(RATIO));
        assertEquals(Set.of("pg_mcp_requests_total", "pg_mcp_request_duration_seconds_bucket"),
                PromQl.rateArguments(RATIO));
        assertEquals(Set.of(), PromQl.rateArguments("pg_mcp_database_up == 0"));
    }

    @Test
    void replacesGrafanaVariablesForPrometheus() {
        assertEquals(
                "sum(increase(pg_mcp_x_total{instance=~\".*\", database=~\".*\"}[300s])) + rate(pg_mcp_y_total[1m])",
                PromQl.withGrafanaVariables(
                        "sum(increase(pg_mcp_x_total{instance=~\"$instance\", database=~\"$database\"}[$__range]))"
                                + " + rate(pg_mcp_y_total[$__rate_interval])",
                        java.time.Duration.ofMinutes(5)));
    }
}
