package io.pgmcp.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.MetricsConfig;
import io.pgmcp.config.Transport;
import io.pgmcp.observability.Metrics.PolicyCheck;
import io.pgmcp.observability.Metrics.PolicyResult;
import io.pgmcp.resilience.Admission;
import io.pgmcp.resilience.Cancellation;
import io.pgmcp.resilience.LimitType;
import io.pgmcp.resilience.RateLimiter;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.LogCapture;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

class MetricsServerTest {

    @Test
    void scrapeShowsRecordedRequestsWithTheDesignBuckets() throws Exception {
        Metrics metrics = new Metrics("1.2.3", List.of());
        metrics.registerJvmMetrics();
        metrics.recordRequest("main", Metrics.SUCCESS, 0.02, null);
        metrics.recordRequest("main", Metrics.SUCCESS, 3.0, "");
        metrics.recordRequest("main", Metrics.ERROR, 0.2, "TABLE_ACCESS_DENIED");
        metrics.recordPolicyCheck(PolicyCheck.TABLE, PolicyResult.DENIED);
        metrics.recordRateLimitExceeded(LimitType.REQUESTS_PER_MINUTE);
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, "/metrics", metrics.registry())) {
            Scrape scrape = scrape(server, "/metrics");

            assertEquals(2.0,
                    scrape.value("pg_mcp_requests_total", "database", "main", "error_code", "", "status", "success"));
            assertEquals(1.0, scrape.value("pg_mcp_requests_total", "database", "main", "error_code",
                    "TABLE_ACCESS_DENIED", "status", "error"));
            assertEquals(3.0, scrape.value("pg_mcp_request_duration_seconds_count", "database", "main"));
            List<String> bounds = scrape.labelValues("pg_mcp_request_duration_seconds_bucket", "le");
            assertEquals(List.of("0.01", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "+Inf"), bounds);
            assertEquals(1.0, scrape.value("pg_mcp_request_duration_seconds_bucket", "database", "main", "le", "0.05"));
            assertEquals(2.0, scrape.value("pg_mcp_request_duration_seconds_bucket", "database", "main", "le", "0.25"));
            assertEquals(1.0, scrape.value("pg_mcp_policy_check_total", "check_type", "table", "result", "denied"));
            assertEquals(1.0, scrape.value("pg_mcp_rate_limit_exceeded_total", "limit_type", "requests_per_minute"));
            assertEquals(1.0, scrape.value("pg_mcp_service_info", "version", "1.2.3"));
        }
    }

    @Test
    void everyDesignMetricIsExposedWithItsBuckets() throws Exception {
        Metrics metrics = new Metrics("dev", List.of(new PoolGauge("main", () -> 5, () -> 3)));
        metrics.requestStarted("main");
        metrics.recordRequest("main", Metrics.SUCCESS, 0.1, "");
        metrics.recordSqlGeneration("main", Metrics.SUCCESS, 0.7);
        metrics.recordSqlRetry("main", "SYNTAX_ERROR");
        metrics.recordDbQuery("main", 0.002);
        metrics.recordOpenAiRequest(Metrics.SUCCESS, 1.5, 100, 20);
        RateLimiter limiter = new RateLimiter(io.pgmcp.config.RateLimitConfig.defaults(), Ticker.system());
        for (int i = 0; i < 7; i++) {
            assertTrue(limiter.acquireRequest(i < 5 ? "session:a" : "session:b",
                    Cancellation.NONE) instanceof Admission.Granted);
        }
        limiter.chargeTokens(0, 1234);
        metrics.rateLimitUsage(limiter::usage);
        metrics.recordRateLimitExceeded(LimitType.TOKENS_PER_MINUTE);
        metrics.recordPolicyCheck(PolicyCheck.EXPLAIN, PolicyResult.PASSED);
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, "/metrics", metrics.registry())) {
            Scrape scrape = scrape(server, "/metrics");

            for (String name : List.of("pg_mcp_requests_total", "pg_mcp_request_duration_seconds_count",
                    "pg_mcp_requests_in_flight",
                    "pg_mcp_sql_generation_total", "pg_mcp_sql_generation_duration_seconds_count",
                    "pg_mcp_sql_retries_total",
                    "pg_mcp_db_pool_size", "pg_mcp_db_pool_available", "pg_mcp_db_query_duration_seconds_count",
                    "pg_mcp_openai_tokens_used_total", "pg_mcp_openai_requests_total",
                    "pg_mcp_openai_request_duration_seconds_count",
                    "pg_mcp_rate_limit_current", "pg_mcp_rate_limit_exceeded_total", "pg_mcp_policy_check_total",
                    "pg_mcp_service_info")) {
                assertTrue(scrape.has(name), name + " is missing from\n" + scrape.text());
            }
            assertEquals(1.0, scrape.value("pg_mcp_requests_in_flight", "database", "main"));
            assertEquals(1.0, scrape.value("pg_mcp_sql_retries_total", "database", "main", "reason", "SYNTAX_ERROR"));
            assertEquals(100.0, scrape.value("pg_mcp_openai_tokens_used_total", "type", "prompt"));
            assertEquals(20.0, scrape.value("pg_mcp_openai_tokens_used_total", "type", "completion"));
            assertEquals(7.0, scrape.value("pg_mcp_rate_limit_current", "limit_type", "requests_per_minute"));
            assertEquals(7.0, scrape.value("pg_mcp_rate_limit_current", "limit_type", "requests_per_hour"));
            assertEquals(5.0, scrape.value("pg_mcp_rate_limit_current", "limit_type", "per_client_per_minute"));
            assertEquals(1234.0, scrape.value("pg_mcp_rate_limit_current", "limit_type", "tokens_per_minute"));
            assertEquals(List.of("0.1", "0.5", "1.0", "2.0", "5.0", "10.0", "+Inf"),
                    scrape.labelValues("pg_mcp_sql_generation_duration_seconds_bucket", "le"));
            assertEquals(List.of("0.001", "0.005", "0.01", "0.05", "0.1", "0.5", "1.0", "5.0", "+Inf"),
                    scrape.labelValues("pg_mcp_db_query_duration_seconds_bucket", "le"));
            assertEquals(List.of("0.5", "1.0", "2.0", "5.0", "10.0", "30.0", "+Inf"),
                    scrape.labelValues("pg_mcp_openai_request_duration_seconds_bucket", "le"));
        }
    }

    @Test
    void poolGaugesReadTheSupplierAtScrapeTime() throws Exception {
        AtomicInteger size = new AtomicInteger(2);
        AtomicInteger idle = new AtomicInteger(1);
        Metrics metrics = new Metrics("dev",
                List.of(new PoolGauge("main", size::get, idle::get), new PoolGauge("other", () -> 10, () -> 0)));
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, "/metrics", metrics.registry())) {
            Scrape first = scrape(server, "/metrics");
            assertEquals(2.0, first.value("pg_mcp_db_pool_size", "database", "main"));
            assertEquals(1.0, first.value("pg_mcp_db_pool_available", "database", "main"));
            assertEquals(10.0, first.value("pg_mcp_db_pool_size", "database", "other"));

            size.set(8);
            idle.set(6);
            Scrape second = scrape(server, "/metrics");
            assertEquals(8.0, second.value("pg_mcp_db_pool_size", "database", "main"));
            assertEquals(6.0, second.value("pg_mcp_db_pool_available", "database", "main"));
        }
    }

    @Test
    void aFailingPoolIsLeftOutOfTheScrapeInsteadOfFailingIt() throws Exception {
        Metrics metrics = new Metrics("dev", List.of(new PoolGauge("broken", () -> {
            throw new IllegalStateException("pool closed");
        }, () -> 0), new PoolGauge("main", () -> 4, () -> 4)));
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, "/metrics", metrics.registry())) {
            Scrape scrape = scrape(server, "/metrics");
            assertEquals(4.0, scrape.value("pg_mcp_db_pool_size", "database", "main"));
            assertEquals(1.0, scrape.value("pg_mcp_service_info", "version", "dev"));
            assertFalse(scrape.text().contains("pg_mcp_db_pool_size{database=\"broken\"}"), scrape.text());
            assertEquals(0.0, scrape.value("pg_mcp_db_pool_available", "database", "broken"));
        }
    }

    @Test
    void databaseUpAndOutagesReadTheAvailabilityAtScrapeTime() throws Exception {
        AtomicBoolean up = new AtomicBoolean(true);
        AtomicLong outages = new AtomicLong();
        Metrics metrics = new Metrics("dev", List.of());
        metrics.availability(List.of(new AvailabilityGauge("main", up::get, outages::get),
                new AvailabilityGauge("archive", () -> false, () -> 3)));
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, "/metrics", metrics.registry())) {
            Scrape first = scrape(server, "/metrics");
            assertEquals(1.0, first.value("pg_mcp_database_up", "database", "main"));
            assertEquals(0.0, first.value("pg_mcp_database_outages_total", "database", "main"));
            assertEquals(0.0, first.value("pg_mcp_database_up", "database", "archive"));
            assertEquals(3.0, first.value("pg_mcp_database_outages_total", "database", "archive"));

            up.set(false);
            outages.incrementAndGet();
            Scrape second = scrape(server, "/metrics");
            assertEquals(0.0, second.value("pg_mcp_database_up", "database", "main"));
            assertEquals(1.0, second.value("pg_mcp_database_outages_total", "database", "main"));
            assertTrue(second.text().contains("# TYPE pg_mcp_database_up gauge"), second.text());
            assertTrue(second.text().contains("# TYPE pg_mcp_database_outages_total counter"), second.text());
        }
    }

    @Test
    void auditWriteFailuresAreReadAtScrapeTimeAndAbsentWithoutAnAuditLog() throws Exception {
        Metrics withoutAudit = new Metrics("dev", List.of());
        assertFalse(Scrape.of(withoutAudit).has("pg_mcp_audit_write_failures_total"), "no audit log, no samples");

        AtomicLong failures = new AtomicLong();
        Metrics metrics = new Metrics("dev", List.of());
        metrics.auditWriteFailures("file", failures::get);
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, "/metrics", metrics.registry())) {
            assertEquals(0.0, scrape(server, "/metrics").value("pg_mcp_audit_write_failures_total", "storage", "file"));
            failures.addAndGet(2);
            Scrape scrape = scrape(server, "/metrics");
            assertEquals(2.0, scrape.value("pg_mcp_audit_write_failures_total", "storage", "file"));
            assertTrue(scrape.text().contains("# TYPE pg_mcp_audit_write_failures_total counter"), scrape.text());
        }
    }

    @Test
    void refusalCountersStartAtZeroForEveryLabelValue() throws Exception {
        Scrape scrape = Scrape.of(new Metrics("dev", List.of()));
        for (LimitType type : LimitType.values()) {
            assertEquals(0.0, scrape.value("pg_mcp_rate_limit_exceeded_total", "limit_type", type.wireName()));
        }
        for (String check : List.of("table", "column", "explain")) {
            for (String result : List.of("passed", "denied")) {
                assertEquals(0.0, scrape.value("pg_mcp_policy_check_total", "check_type", check, "result", result));
            }
        }
    }

    @Test
    void jvmMetricsAreExposed() throws Exception {
        Metrics metrics = new Metrics("dev", List.of());
        metrics.registerJvmMetrics();
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, "/metrics", metrics.registry())) {
            Scrape scrape = scrape(server, "/metrics");
            assertTrue(scrape.has("jvm_memory_used_bytes"), scrape.text());
            assertTrue(scrape.has("jvm_threads_current"), scrape.text());
        }
    }

    @Test
    void aPortInUseFailsTheStartNamingTheAddressAndTheCause() throws Exception {
        Metrics metrics = new Metrics("dev", List.of());
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            MetricsEndpointException failure = assertThrows(MetricsEndpointException.class,
                    () -> MetricsServer.start(new MetricsConfig(Optional.of(true), "127.0.0.1", port, "/metrics"),
                            Transport.STDIO, metrics.registry()));
            assertTrue(failure.getMessage().startsWith("cannot serve Prometheus metrics at http://127.0.0.1:" + port
                    + "/metrics: java.net.BindException"), failure.getMessage());
            assertInstanceOf(BindException.class, failure.getCause());
        }
    }

    @Test
    void disabledMetricsServeNothing() {
        Metrics metrics = new Metrics("dev", List.of());
        try (MetricsServer server = MetricsServer.start(
                new MetricsConfig(Optional.of(false), "127.0.0.1", 9090, "/metrics"),
                Transport.HTTP, metrics.registry())) {
            assertTrue(server.port().isEmpty());
        }
    }

    @Test
    @ResourceLock(LogCapture.LOCK)
    void stdioServesNoMetricsByDefaultAndLogsWhereItBindsWhenEnabled() throws Exception {
        Metrics metrics = new Metrics("dev", List.of());
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (LogCapture log = LogCapture.of(MetricsServer.class)) {
            MetricsConfig unset = new MetricsConfig(Optional.empty(), "127.0.0.1", port, "/metrics");
            try (MetricsServer server = MetricsServer.start(unset, Transport.STDIO, metrics.registry())) {
                assertTrue(server.port().isEmpty(), "stdio binds no port unless told to");
            }
            try (MetricsServer server = MetricsServer.start(
                    new MetricsConfig(Optional.of(true), "127.0.0.1", port, "/metrics"),
                    Transport.STDIO, metrics.registry())) {
                assertEquals(Optional.of(port), server.port());
                String where = "http://127.0.0.1:" + port + "/metrics";
                assertTrue(
                        log.records().stream().anyMatch(r -> LogCapture.format(r).contains(where)),
                        "the log says where the endpoint bound");
            }
        }
    }

    @Test
    void servesOnTheConfiguredPath() throws Exception {
        Metrics metrics = new Metrics("dev", List.of());
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, "/prom", metrics.registry())) {
            assertTrue(scrape(server, "/prom").has("pg_mcp_service_info"));
        }
    }

    /**
     * A scraper that prefers protobuf (Prometheus with native histograms) gets protobuf. Pinned because the
     * exporter answers 500, not text, when its protobuf writer (a separate jar with a shaded protobuf, 2 MB) is
     * missing: leaving that jar out of the image to make it smaller breaks such scrapes.
     */
    @Test
    void aScrapeAskingForProtobufGetsProtobuf() throws Exception {
        Metrics metrics = new Metrics("dev", List.of(new PoolGauge("main", () -> 3, () -> 1)));
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, "/metrics", metrics.registry())) {
            java.net.http.HttpResponse<String> response;
            try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
                response = client.send(java.net.http.HttpRequest
                        .newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port().orElseThrow() + "/metrics"))
                        .header("Accept", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                                + "encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3")
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            }
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("")
                    .startsWith("application/vnd.google.protobuf"), response.headers().toString());
            assertTrue(response.body().contains("pg_mcp_db_pool_size"), "the metric is in the answer");
        }
    }

    private static Scrape scrape(MetricsServer server, String path) throws IOException, InterruptedException {
        return Scrape.of(server, path);
    }
}
