package io.pgmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgmcp.query.ErrorCode;
import io.pgmcp.query.FailureDetails;
import io.pgmcp.query.QueryOutcome;
import io.pgmcp.resilience.Admission;
import io.pgmcp.resilience.LimitType;
import io.pgmcp.sql.RefusalDetails;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The wire form of the failures {@code execute_sql} cannot easily be made to produce on a live
 * database (FailureBodiesTest pins those it can): keys, their order, number types and omissions.
 */
class ToolErrorsTest {

    private static String details(FailureDetails details) {
        return ToolErrors.failure(new QueryOutcome.Failure(ErrorCode.INTERNAL_ERROR, "m", details)).structuredContent()
                .path("details").toString();
    }

    @Test
    void emptyDetailsAreOmitted() {
        assertEquals(
                "{\"success\":false,\"error_code\":\"INTERNAL_ERROR\",\"error_message\":\"The call was cancelled.\"}",
                ToolErrors.failure(new QueryOutcome.Failure(ErrorCode.INTERNAL_ERROR, "The call was cancelled.",
                        new FailureDetails.None())).structuredContent().toString());
        assertEquals("", details(new FailureDetails.Refused(new RefusalDetails.None())));
    }

    @Test
    void databaseFailuresNameTheDatabaseThenTheSqlstateWhenThereIsOne() {
        assertEquals("{\"database\":\"main\",\"sqlstate\":\"08001\",\"down_since\":\"2026-07-08T09:10:11Z\","
                + "\"last_error\":\"Connection refused\",\"next_probe_in_seconds\":1.5}",
                details(new FailureDetails.DatabaseDown("main", "08001", Instant.parse("2026-07-08T09:10:11Z"),
                        "Connection refused", 1.5)));
        assertEquals("{\"database\":\"main\",\"sqlstate\":\"08001\"}",
                details(new FailureDetails.PoolBusy("main", "08001")));
        assertEquals("{\"database\":\"main\"}", details(new FailureDetails.PoolBusy("main", "")));
        assertEquals("{\"database\":\"main\",\"sqlstate\":\"57014\",\"timeout_seconds\":30.0}",
                details(new FailureDetails.StatementTimeout("main", "57014", 30.0)));
        assertEquals("{\"database\":\"main\",\"sqlstate\":\"42601\",\"position\":3,\"hint\":\"h\"}",
                details(new FailureDetails.DatabaseError("main", "42601", 3, "h")));
        assertEquals("{\"database\":\"main\"}", details(new FailureDetails.CatalogUnavailable("main")));
        assertEquals("{\"explain_timeout_seconds\":5.0}", details(new FailureDetails.ExplainTimeout(5.0)));
    }

    @Test
    void modelAndBudgetFailures() {
        assertEquals("{\"reason\":\"rate_limited\",\"retry_after\":7}",
                details(new FailureDetails.ModelError("rate_limited", OptionalLong.of(7))));
        assertEquals("{\"reason\":\"timeout\"}",
                details(new FailureDetails.ModelError("timeout", OptionalLong.empty())));
        assertEquals("{\"attempts\":3}", details(new FailureDetails.NoSql(3)));
        Admission.Refused refused = new Admission.Refused(LimitType.TOKENS_PER_MINUTE, 100, 4,
                Duration.ofMillis(59_001));
        assertEquals("{\"limit_type\":\"tokens_per_minute\",\"limit\":100,\"remaining\":4,\"retry_after\":60}",
                details(new FailureDetails.RateLimited(refused)));
        assertEquals(ToolOutcome.refused(refused).result().structuredContent().toString(),
                ToolErrors.failure(new QueryOutcome.Failure(
                        ErrorCode.RATE_LIMIT_EXCEEDED, refused.message(), new FailureDetails.RateLimited(refused)))
                        .structuredContent().toString(),
                "the token budget's refusal reads as the request limit's");
    }

    @Test
    void refusalsTheLiveCorpusDoesNotReach() {
        assertEquals("{\"sqlstate\":\"42601\",\"hint\":\"h\"}",
                details(new FailureDetails.Refused(new RefusalDetails.SyntaxError("42601", null, null, null, "h"))));
        assertEquals("{\"estimated_rows\":250.0,\"large_table_threshold\":100}",
                details(new FailureDetails.Refused(new RefusalDetails.HiddenLargeTableRead(250, 100))));
        assertEquals(
                "{\"denied_tables\":[\"a\",\"b\"],\"suggestions\":{\"b\":[\"bb\",\"bc\"]},\"available_tables\":[]}",
                details(new FailureDetails.Refused(
                        new RefusalDetails.DeniedTables(List.of("a", "b"), Map.of("b", List.of("bb", "bc")),
                                Optional.of(List.of())))));
        assertEquals("{\"problems\":[\"'sql' is required\"]}",
                details(new FailureDetails.Problems(List.of("'sql' is required"))));
    }
}
