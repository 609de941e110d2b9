package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgmcp.config.ExplainPolicyConfig;
import io.pgmcp.db.Catalog;
import io.pgmcp.db.RelationKind;
import io.pgmcp.db.TableInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExplainPolicyTest {
    static final Catalog CATALOG = new Catalog("main", Instant.EPOCH, List.of("public"), List.of(
            new TableInfo("public", "events", RelationKind.TABLE, Optional.empty(), 2_000_000, List.of(), List.of()),
            new TableInfo("public", "small", RelationKind.TABLE, Optional.empty(), 50, List.of(), List.of())),
            List.of(), Set.of());
    static final ExplainPolicy POLICY = new ExplainPolicy(new ExplainPolicyConfig(true, 100_000, 10_000.0, true, 10_000,
            Duration.ofSeconds(5), Duration.ofSeconds(60), 1000));

    static PlanEstimate plan(String json) throws Exception {
        return ExplainPolicy.estimate(new ObjectMapper().readTree(json));
    }

    @Test
    void readsRowsCostAndNestedSeqScans() throws Exception {
        PlanEstimate estimate = plan("""
                [{"Plan":{"Node Type":"Hash Join","Plan Rows":42,"Total Cost":123.5,"Plans":[
                  {"Node Type":"Seq Scan","Relation Name":"small","Alias":"s","Plan Rows":50},
                  {"Node Type":"Hash","Plans":[{"Node Type":"Index Scan","Relation Name":"events"}]}]}}]""");
        assertEquals(42, estimate.rows());
        assertEquals(123.5, estimate.totalCost());
        assertEquals(List.of(new PlanEstimate.SeqScan(null, "small")), estimate.seqScans());
    }

    @Test
    void tooManyRowsIsTooExpensive() throws Exception {
        var refuse = assertInstanceOf(ExplainPolicy.Decision.Refuse.class,
                POLICY.decide(plan("[{\"Plan\":{\"Node Type\":\"Result\",\"Plan Rows\":1e11,\"Total Cost\":1}}]"), CATALOG, List.of("public")));
        assertFalse(refuse.seqScan());
        assertTrue(refuse.message().contains("100000"), refuse.message());
        assertEquals(1e11, refuse.details().get("estimated_rows").asDouble());
    }

    @Test
    void seqScanOfALargeTableIsDeniedButNotOfASmallOne() throws Exception {
        var refuse = assertInstanceOf(ExplainPolicy.Decision.Refuse.class, POLICY.decide(plan("""
                [{"Plan":{"Node Type":"Aggregate","Plan Rows":1,"Total Cost":5,"Plans":[
                  {"Node Type":"Seq Scan","Relation Name":"events","Plan Rows":2000000}]}}]"""), CATALOG, List.of("public")));
        assertTrue(refuse.seqScan());
        assertEquals("events", refuse.details().get("table").asText());
        assertInstanceOf(ExplainPolicy.Decision.Pass.class, POLICY.decide(plan("""
                [{"Plan":{"Node Type":"Seq Scan","Relation Name":"small","Plan Rows":50,"Total Cost":1}}]"""), CATALOG, List.of("public")));
    }

    @Test
    void highCostIsOnlyAWarning() throws Exception {
        var pass = assertInstanceOf(ExplainPolicy.Decision.Pass.class, POLICY.decide(
                plan("[{\"Plan\":{\"Node Type\":\"Result\",\"Plan Rows\":10,\"Total Cost\":12000}}]"), CATALOG, List.of("public")));
        assertEquals(List.of("Query cost (12000.00) exceeds recommended limit (10000.0)"), pass.warnings());
    }
}
