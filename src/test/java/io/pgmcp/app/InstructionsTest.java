package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.ExplainPolicyConfig;
import io.pgmcp.config.PgMcpConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstructionsTest {

    static DatabaseConfig database(String name, ExplainPolicyConfig explain) {
        AccessPolicyConfig defaults = AccessPolicyConfig.defaults();
        return DatabaseConfig.of(name, ConnectionTarget.parse("postgresql://reader@127.0.0.1:5432/" + name))
                .withAccessPolicy(new AccessPolicyConfig(defaults.allowedSchemas(), defaults.tables(),
                        defaults.columns(), explain,
                        defaults.functions()));
    }

    static ExplainPolicyConfig explain(boolean enabled, long maxRows, boolean deny, long threshold) {
        return new ExplainPolicyConfig(enabled, maxRows, 10_000.0, deny, threshold, Duration.ofSeconds(5),
                Duration.ofSeconds(60), 1000);
    }

    @Test
    void statesTheLargeTableThresholdAndTheRowLimit() {
        String text = Instructions.text(PgMcpConfig.of(List.of(database("main", ExplainPolicyConfig.defaults()))),
                List.of("main"), "1. Read the schema.\n");
        assertTrue(text
                .contains("at most 100,000 estimated result rows; a table of more than 10,000 estimated rows is large "
                        + "(marked in schema://) and a query may read at most 10,000 of its rows"),
                text);
        assertTrue(text.contains("LIMIT"), text);
    }

    @Test
    void differentLimitsAreStatedPerDatabase() {
        String text = Instructions.text(PgMcpConfig.of(List.of(database("a", ExplainPolicyConfig.defaults()),
                database("b", explain(true, 5_000, true, 50_000)), database("c", explain(false, 5_000, true, 50_000)))),
                List.of("a", "b", "c"), "1. Read the schema.\n");
        assertTrue(text.contains("on a: at most 100,000 estimated result rows; a table of more than 10,000"), text);
        assertTrue(text.contains("on b: at most 5,000 estimated result rows; a table of more than 50,000"), text);
        assertFalse(text.contains("on c"), "no EXPLAIN policy, no limits: " + text);
    }

    @Test
    void withoutTheLargeTableRuleOnlyTheRowLimitIsStated() {
        String text = Instructions.text(
                PgMcpConfig.of(List.of(database("main", explain(true, 100_000, false, 10_000)))),
                List.of("main"), "1. Read the schema.\n");
        assertTrue(text.contains(
                "Cost limits, checked on the plan before a query runs: at most 100,000 estimated result rows.\n"),
                text);
        assertFalse(text.contains("is large"), text);
    }
}
