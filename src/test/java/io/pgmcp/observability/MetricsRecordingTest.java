package io.pgmcp.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.resilience.LimitType;
import io.pgmcp.resilience.Retry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A server whose metrics are off records nothing per call; one whose metrics are on records every call. */
class MetricsRecordingTest {

    private static void recordOneOfEach(Metrics metrics) {
        metrics.requestStarted("main");
        metrics.recordRequest("main", Metrics.SUCCESS, 0.002, "");
        metrics.recordGuard("main", 0.0001);
        metrics.recordDbQuery("main", 0.001);
        metrics.recordSqlGeneration("main", Metrics.SUCCESS, 0.5);
        metrics.recordSqlRetry("main", "UNSAFE_SQL");
        metrics.recordOpenAiRequest(Metrics.SUCCESS, 0.4, 10, 5);
        metrics.recordPolicyCheck(Metrics.PolicyCheck.TABLE, Metrics.PolicyResult.PASSED);
        metrics.recordRateLimitExceeded(LimitType.REQUESTS_PER_MINUTE);
        metrics.retryListener("database").onAttempt(1, Retry.Outcome.SUCCESS);
    }

    @Test
    void aRecordingRegistryCountsTheCalls() throws Exception {
        Metrics metrics = new Metrics("1", List.of(), true);
        recordOneOfEach(metrics);
        Scrape scrape = Scrape.of(metrics);
        assertEquals(1, scrape.value("pg_mcp_requests_total", "database", "main", "status", "success", "error_code",
                ""));
        assertEquals(1, scrape.value("pg_mcp_requests_in_flight", "database", "main"));
        assertEquals(1, scrape.value("pg_mcp_guard_duration_seconds_count", "database", "main"));
        assertEquals(1, scrape.value("pg_mcp_policy_check_total", "check_type", "table", "result", "passed"));
        assertEquals(1, scrape.value("pg_mcp_rate_limit_exceeded_total", "limit_type",
                LimitType.REQUESTS_PER_MINUTE.wireName()));
    }

    @Test
    void aRegistryNobodyReadsIsNotWrittenPerCall() throws Exception {
        Metrics metrics = new Metrics("1", List.of(), false);
        recordOneOfEach(metrics);
        Scrape scrape = Scrape.of(metrics);
        assertFalse(scrape.has("pg_mcp_requests_total"), scrape.text());
        assertFalse(scrape.has("pg_mcp_requests_in_flight"));
        assertFalse(scrape.has("pg_mcp_guard_duration_seconds_count"));
        assertFalse(scrape.has("pg_mcp_db_query_duration_seconds_count"));
        assertFalse(scrape.has("pg_mcp_retry_attempts_total"));
        assertEquals(0, scrape.value("pg_mcp_policy_check_total", "check_type", "table", "result", "passed"));
        assertEquals(0, scrape.value("pg_mcp_rate_limit_exceeded_total", "limit_type",
                LimitType.REQUESTS_PER_MINUTE.wireName()));
        assertTrue(scrape.has("pg_mcp_service_info"), "what is read at scrape time is still there");
    }
}
