package io.pgmcp.query;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.RelationKind;
import io.pgmcp.catalog.TableInfo;
import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.ExplainPolicyConfig;
import io.pgmcp.sql.AccessPolicy;
import io.pgmcp.sql.ExplainPolicy;
import io.pgmcp.sql.PlanEstimate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A kept plan estimate decides once per catalog, access policy and EXPLAIN policy. */
class CachedPlanTest {
    /** A sequential scan of public.events with a filter: it reads the whole table. */
    private static final PlanEstimate SEQ_SCAN = new PlanEstimate(10, 500, new PlanEstimate.Node("Seq Scan", null,
            "public", "events", 10, 0, 500, 0, false, false, false, true, null, null, null, Set.of(), List.of()));
    private static final ExplainPolicy POLICY = new ExplainPolicy(new ExplainPolicyConfig(true, 100_000, 10_000.0,
            true, 10_000, Duration.ofSeconds(5), Duration.ofSeconds(60), 1000));
    private static final AccessPolicy ACCESS = new AccessPolicy(AccessPolicyConfig.defaults());

    private static Catalog catalog(double eventRows) {
        return new Catalog("main", Instant.EPOCH, List.of("public"), List.of(new TableInfo("public", "events",
                RelationKind.TABLE, Optional.empty(), eventRows, List.of(), List.of())), List.of(), Set.of());
    }

    @Test
    void theSameCatalogAndPoliciesGetTheSameDecision() {
        CachedPlan plan = new CachedPlan(SEQ_SCAN);
        Catalog catalog = catalog(100);
        ExplainPolicy.Decision first = plan.decision(POLICY, catalog, ACCESS);
        assertInstanceOf(ExplainPolicy.Decision.Pass.class, first);
        assertSame(first, plan.decision(POLICY, catalog, ACCESS));
    }

    @Test
    void aRefreshedCatalogIsDecidedAgain() {
        CachedPlan plan = new CachedPlan(SEQ_SCAN);
        assertInstanceOf(ExplainPolicy.Decision.Pass.class, plan.decision(POLICY, catalog(100), ACCESS));
        // the table grew past large_table_threshold: the same plan now reads a large table in full
        ExplainPolicy.Decision.Refuse refuse = assertInstanceOf(ExplainPolicy.Decision.Refuse.class,
                plan.decision(POLICY, catalog(2_000_000), ACCESS));
        assertInstanceOf(io.pgmcp.sql.RefusalDetails.LargeTableRead.class, refuse.details());
    }

    @Test
    void anotherPolicyIsDecidedAgain() {
        CachedPlan plan = new CachedPlan(SEQ_SCAN);
        Catalog large = catalog(2_000_000);
        assertInstanceOf(ExplainPolicy.Decision.Refuse.class, plan.decision(POLICY, large, ACCESS));
        ExplainPolicy lenient = new ExplainPolicy(new ExplainPolicyConfig(true, 100_000, 10_000.0, false, 10_000,
                Duration.ofSeconds(5), Duration.ofSeconds(60), 1000));
        assertInstanceOf(ExplainPolicy.Decision.Pass.class, plan.decision(lenient, large, ACCESS));
        // a table the other access policy hides is not named
        AccessPolicy hidden = new AccessPolicy(new AccessPolicyConfig(List.of("public"),
                new io.pgmcp.config.TableAccessConfig(List.of(), List.of("events")),
                AccessPolicyConfig.defaults().columns(), ExplainPolicyConfig.defaults(),
                AccessPolicyConfig.defaults().functions()));
        ExplainPolicy.Decision.Refuse refuse = assertInstanceOf(ExplainPolicy.Decision.Refuse.class,
                plan.decision(POLICY, large, hidden));
        assertInstanceOf(io.pgmcp.sql.RefusalDetails.HiddenLargeTableRead.class, refuse.details());
    }
}
