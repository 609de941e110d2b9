package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ExplainJson}: what becomes of each kind of value, and every malformed answer is refused, not guessed. */
class ExplainJsonTest {
    @Test
    void valuesAreKeptAsPostgresWroteThemListsAndGroupsAsTheirValuesPlansAsChildren() {
        PlanNode top = ExplainJson.topPlan("""
                [
                  {
                    "Plan": {
                      "Node Type": "Limit",
                      "Parallel Aware": false,
                      "Startup Cost": 0.29,
                      "Total Cost": 8.31,
                      "Plan Rows": 1000000000000,
                      "Plan Width": 36,
                      "Sort Key": ["a.name", "b.id DESC"],
                      "Settings": {"work_mem": "64MB", "nested": {"x": 1}},
                      "Plans": [
                        {"Node Type": "Index Scan", "Parent Relationship": "Outer", "Index Cond": "(id = 7)",
                         "Plan Rows": 1, "Total Cost": 8.3},
                        {"Node Type": "Seq Scan", "Plans": []}
                      ]
                    }
                  }
                ]""");
        assertEquals(
                Map.of("Node Type", "Limit", "Parallel Aware", "false", "Startup Cost", "0.29", "Total Cost", "8.31",
                        "Plan Rows", "1000000000000", "Plan Width", "36"),
                top.fields());
        assertEquals(Map.of("Sort Key", List.of("a.name", "b.id DESC"), "Settings", List.of("64MB", "1")), top.lists());
        assertEquals(2, top.children().size());
        assertEquals("(id = 7)", top.children().get(0).field("Index Cond"));
        assertEquals("Outer", top.children().get(0).field("Parent Relationship"));
        assertEquals(List.of(), top.children().get(1).children());
    }

    @Test
    void numbersThatAreNotFiniteAreKeptAsPostgresWritesThem() {
        PlanNode top = ExplainJson.topPlan(
                "[{\"Plan\": {\"Node Type\": \"Result\", \"Plan Rows\": Infinity, \"Total Cost\": NaN, \"Startup Cost\": -Infinity}}]");
        assertEquals("Infinity", top.field("Plan Rows"));
        assertEquals("NaN", top.field("Total Cost"));
        assertEquals("-Infinity", top.field("Startup Cost"));
    }

    @Test
    void theFirstQuerysPlanIsTheAnswer() {
        PlanNode top = ExplainJson.topPlan("""
                [{"Plan": {"Node Type": "Result", "Plans": [{"Node Type": "Seq Scan"}]}},
                 {"Plan": {"Node Type": "Other"}}]""");
        assertEquals("Result", top.field("Node Type"));
        assertEquals("Seq Scan", top.children().getFirst().field("Node Type"));
    }

    @Test
    void outputWithoutAPlanIsRefused() {
        for (String json : List.of("", "[]", "[{}]", "[{\"Plan\":\"Seq Scan\"}]", "[{\"Plan\":[1]}]", "null", "7")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExplainJson.topPlan(json),
                    json);
            assertEquals("EXPLAIN output without a Plan", e.getMessage(), json);
        }
    }

    @Test
    void malformedOutputIsRefusedWithWhatWasWrong() {
        for (String json : List.of("[{\"Plan\": {\"Node Type\": \"Limit\"", "[{\"Plan\": {\"Sort Key\": [\"a\"",
                "[{\"Plan\": {\"Plans\": [{\"Node Type\": ", "<explain/>", "[{\"Plan\": {\"Node Type\" \"Limit\"}}]")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExplainJson.topPlan(json),
                    json);
            assertTrue(e.getMessage().startsWith("EXPLAIN output is not readable JSON: "), e.getMessage());
        }
    }

    @Test
    void aNullIsRefusedNotReadAsAFieldLeftOut() {
        for (String json : List.of("[{\"Plan\": {\"Node Type\": \"Gather\", \"Workers Planned\": null}}]",
                "[{\"Plan\": {\"Node Type\": \"Sort\", \"Sort Key\": [\"a\", null]}}]",
                "[{\"Plan\": {\"Node Type\": \"Sort\", \"Sort Key\": {\"x\": [null]}}}]")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExplainJson.topPlan(json),
                    json);
            assertTrue(e.getMessage().startsWith("EXPLAIN output with a null in \""), e.getMessage());
        }
    }

    @Test
    void plansThatAreNotPlansAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExplainJson.topPlan("[{\"Plan\": {\"Node Type\": \"Append\", \"Plans\": [{}, \"Seq Scan\"]}}]"));
        assertEquals("EXPLAIN output whose \"Plans\" holds something other than plans", e.getMessage());
    }

    @Test
    void nestingBeyondTheLimitIsRefusedNotRecursedInto() {
        int levels = ExplainJson.MAX_DEPTH; // two JSON levels per plan level: twice past the limit
        StringBuilder json = new StringBuilder("[{\"Plan\": ");
        json.append("{\"Node Type\": \"Append\", \"Plans\": [".repeat(levels));
        json.append("{}").append("]}".repeat(levels)).append("}]");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExplainJson.topPlan(json.toString()));
        assertTrue(e.getMessage().startsWith("EXPLAIN output is not readable JSON: ")
                && e.getMessage().contains(Integer.toString(ExplainJson.MAX_DEPTH)), e.getMessage());
        int allowed = ExplainJson.MAX_DEPTH / 2 - 2;
        StringBuilder deep = new StringBuilder("[{\"Plan\": ");
        deep.append("{\"Node Type\": \"Append\", \"Plans\": [".repeat(allowed));
        deep.append("{}").append("]}".repeat(allowed)).append("}]");
        PlanNode node = ExplainJson.topPlan(deep.toString());
        int depth = 0;
        while (!node.children().isEmpty()) {
            node = node.children().getFirst();
            depth++;
        }
        assertEquals(allowed, depth);
    }
}
