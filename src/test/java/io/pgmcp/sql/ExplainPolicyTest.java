package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.ColumnAccessConfig;
import io.pgmcp.config.ExplainPolicyConfig;
import io.pgmcp.config.FunctionAccessConfig;
import io.pgmcp.config.OnDenied;
import io.pgmcp.config.SelectStarPolicy;
import io.pgmcp.config.TableAccessConfig;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.ColumnInfo;
import io.pgmcp.catalog.IndexInfo;
import io.pgmcp.catalog.RelationKind;
import io.pgmcp.catalog.TableInfo;
import io.pgmcp.db.PlanNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The cost policy on plan JSON captured from PostgreSQL 15 (trimmed to the fields it reads; the
 * numbers are the planner's): it judges the rows a plan reads from a large table, not the plan's shape.
 */
class ExplainPolicyTest {
    static final Catalog CATALOG = new Catalog("main", Instant.EPOCH, List.of("public"), List.of(
            table("events", 2_000_000, List.of("id", "email", "region", "created_at"),
                    index("events_pkey", true, "id"), index("events_email_idx", false, "email"),
                    index("events_lower_email_idx", false, "lower(email)"),
                    index("events_region_email_idx", false, "region", "email"),
                    index("events_created_at_idx", false, "created_at")),
            table("big", 200_000, List.of("id", "status", "customer_id", "created_at"),
                    index("big_pkey", true, "id"), index("big_customer_idx", false, "customer_id")),
            table("bare", 200_000, List.of("id", "note")),
            table("vault", 50_000, List.of("id", "kind"), index("vault_pkey", true, "id")),
            table("small", 50, List.of("id"))),
            List.of(), Set.of());
    static final ExplainPolicy POLICY = new ExplainPolicy(new ExplainPolicyConfig(true, 100_000, 10_000.0, true, 10_000,
            Duration.ofSeconds(5), Duration.ofSeconds(60), 1000));
    /** events.email is denied, and so is the table vault (a view may still read it). */
    static final AccessPolicy ACCESS = new AccessPolicy(new AccessPolicyConfig(List.of("public"),
            new TableAccessConfig(List.of(), List.of("vault")),
            new ColumnAccessConfig(List.of("events.email"), List.of(), OnDenied.REJECT, SelectStarPolicy.REJECT),
            ExplainPolicyConfig.defaults(), FunctionAccessConfig.defaults()));

    static TableInfo table(String name, double rows, List<String> columns, IndexInfo... indexes) {
        return new TableInfo("public", name, RelationKind.TABLE, Optional.empty(), rows, columns.stream()
                .map(c -> new ColumnInfo(c, "text", "text", true, Optional.empty(), c.equals("id"), c.equals("id"),
                        Optional.empty(), List.of(), Optional.empty()))
                .toList(), Arrays.asList(indexes));
    }

    static IndexInfo index(String name, boolean primary, String... columns) {
        return new IndexInfo(name, List.of(columns), "btree", primary, primary);
    }

    static PlanEstimate plan(String json) throws Exception {
        JsonNode plan = new ObjectMapper().readTree(json).path(0).path("Plan");
        return ExplainPolicy.estimate(plan.isObject() ? node(plan) : null);
    }

    /**
     * The plan node {@code Database.explain} gives for a node of {@code EXPLAIN (FORMAT JSON)}. The fixtures below
     * leave out the costs that do not matter to a case; PostgreSQL always prints them, so they read as 0 here.
     */
    static PlanNode node(JsonNode json) {
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, List<String>> lists = new LinkedHashMap<>();
        List<PlanNode> children = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : json.properties()) {
            JsonNode value = field.getValue();
            if (field.getKey().equals("Plans")) {
                value.forEach(child -> children.add(node(child)));
            } else if (value.isArray()) {
                List<String> values = new ArrayList<>();
                value.forEach(element -> values.add(element.asText()));
                lists.put(field.getKey(), values);
            } else if (value.isValueNode() && !value.isNull()) {
                fields.put(field.getKey(), value.asText());
            }
        }
        fields.putIfAbsent("Total Cost", "0");
        return new PlanNode(fields, lists, children);
    }

    static ExplainPolicy.Decision decide(String json) throws Exception {
        return POLICY.decide(plan(json), CATALOG, ACCESS);
    }

    static ExplainPolicy.Decision.Refuse refused(String json) throws Exception {
        var refuse = assertInstanceOf(ExplainPolicy.Decision.Refuse.class, decide(json));
        assertTrue(refuse.seqScan(), refuse.message());
        return refuse;
    }

    static void allowed(String json) throws Exception {
        ExplainPolicy.Decision decision = decide(json);
        assertInstanceOf(ExplainPolicy.Decision.Pass.class, decision, decision::toString);
    }

    static double rowsRead(ExplainPolicy.Decision.Refuse refuse) {
        return assertInstanceOf(RefusalDetails.LargeTableRead.class, refuse.details()).estimatedRowsRead();
    }

    // -- the plan tree

    @Test
    void aPlanWhoseEstimatesCannotBeReadIsRefusedNotPassedAsFree() {
        Map<String, String> noRows = Map.of("Node Type", "Seq Scan", "Relation Name", "orders", "Total Cost", "10.0");
        assertThrows(IllegalArgumentException.class,
                () -> ExplainPolicy.estimate(new PlanNode(noRows, Map.of(), List.of())));
        Map<String, String> garbled = Map.of("Node Type", "Seq Scan", "Plan Rows", "many", "Total Cost", "10.0");
        assertThrows(IllegalArgumentException.class,
                () -> ExplainPolicy.estimate(new PlanNode(garbled, Map.of(), List.of())));
        Map<String, String> negative = Map.of("Node Type", "Seq Scan", "Plan Rows", "-5", "Total Cost", "10.0");
        assertThrows(IllegalArgumentException.class,
                () -> ExplainPolicy.estimate(new PlanNode(negative, Map.of(), List.of())));
        Map<String, String> child = Map.of("Node Type", "Seq Scan", "Total Cost", "10.0");
        Map<String, String> top = Map.of("Node Type", "Limit", "Plan Rows", "1", "Total Cost", "1.0");
        assertThrows(IllegalArgumentException.class, () -> ExplainPolicy.estimate(
                new PlanNode(top, Map.of(), List.of(new PlanNode(child, Map.of(), List.of())))),
                "a node deep in the tree without its rows fails the whole plan");
    }

    @Test
    void readsRowsCostAndThePlanTree() throws Exception {
        PlanEstimate estimate = plan(
                """
                        [{"Plan":{"Node Type":"Hash Join","Plan Rows":42,"Total Cost":123.5,"Plans":[
                          {"Node Type":"Seq Scan","Parent Relationship":"Outer","Relation Name":"small","Schema":"public","Plan Rows":50,
                           "Filter":"(NOT (hashed SubPlan 1))"},
                          {"Node Type":"Hash","Parent Relationship":"Inner","Plan Rows":1,"Plans":[
                            {"Node Type":"Index Scan","Parent Relationship":"Outer","Relation Name":"events","Plan Rows":1,"Index Cond":"(id = 1)"}]}]}}]""");
        assertEquals(42, estimate.rows());
        assertEquals(123.5, estimate.totalCost());
        PlanEstimate.Node scan = estimate.plan().children().getFirst();
        assertEquals("public", scan.schema());
        assertTrue(scan.filter());
        assertEquals(Set.of("SubPlan 1"), scan.hashedSubplans());
        PlanEstimate.Node index = estimate.plan().children().get(1).children().getFirst();
        assertEquals(null, index.schema(), "plain EXPLAIN gives no schema");
        assertTrue(index.indexCond());
    }

    @Test
    void explainOutputWithoutAPlanIsRefusedNotGuessed() {
        for (String json : List.of("[]", "[{}]", "[{\"Plan\":\"Seq Scan\"}]", "{\"Plan\":{}}")) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> plan(json), json);
            assertEquals("EXPLAIN output without a Plan", e.getMessage());
        }
    }

    @Test
    void hashedSubplansAreFoundInListsOfConditionsToo() throws Exception {
        PlanEstimate estimate = plan("""
                [{"Plan":{"Node Type":"Result","Plan Rows":1,"Total Cost":1,
                  "Output":["(hashed SubPlan 2)", "x"],"One-Time Filter":"(hashed SubPlan 3)"}}]""");
        assertEquals(Set.of("SubPlan 2", "SubPlan 3"), estimate.plan().hashedSubplans());
    }

    @Test
    void tooManyRowsIsTooExpensive() throws Exception {
        var refuse = assertInstanceOf(ExplainPolicy.Decision.Refuse.class,
                decide("[{\"Plan\":{\"Node Type\":\"Result\",\"Plan Rows\":1e11,\"Total Cost\":1}}]"));
        assertFalse(refuse.seqScan());
        assertTrue(
                refuse.message().contains("100,000") && refuse.message().contains("explain_policy.max_estimated_rows"),
                refuse.message());
        assertEquals(1e11, assertInstanceOf(RefusalDetails.TooManyRows.class, refuse.details()).estimatedRows());
    }

    @Test
    void seqScanOfALargeTableIsDeniedButNotOfASmallOne() throws Exception {
        var refuse = refused(
                """
                        [{"Plan":{"Node Type":"Aggregate","Strategy":"Plain","Plan Rows":1,"Total Cost":5,"Plans":[
                          {"Node Type":"Seq Scan","Parent Relationship":"Outer","Relation Name":"events","Plan Rows":2000000}]}}]""");
        assertEquals("public.events", assertInstanceOf(RefusalDetails.LargeTableRead.class, refuse.details()).table());
        assertEquals(2_000_000, rowsRead(refuse));
        allowed("""
                [{"Plan":{"Node Type":"Seq Scan","Relation Name":"small","Plan Rows":50,"Total Cost":1}}]""");
    }

    @Test
    void highCostIsOnlyAWarning() throws Exception {
        var pass = assertInstanceOf(ExplainPolicy.Decision.Pass.class,
                decide("[{\"Plan\":{\"Node Type\":\"Result\",\"Plan Rows\":10,\"Total Cost\":12000}}]"));
        assertEquals(List.of("Query cost (12000.00) exceeds recommended limit (10000.0)"), pass.warnings());
    }

    // -- the observed cases, as PostgreSQL 15 planned them

    @Test
    void limitTwoOverASeqScanIsAllowed() throws Exception {
        // SELECT id, status FROM big LIMIT 2
        allowed("""
                [{"Plan":{"Node Type":"Limit","Startup Cost":0.0,"Total Cost":0.04,"Plan Rows":2,"Plans":[
                  {"Node Type":"Seq Scan","Parent Relationship":"Outer","Relation Name":"big","Schema":"public",
                   "Startup Cost":0.0,"Total Cost":3771.0,"Plan Rows":200000}]}}]""");
    }

    @Test
    void countIsRefusedAsSeqScanAndAsParallelIndexOnlyScan() throws Exception {
        // SELECT count(*) FROM big: before VACUUM (never analyzed: 132,825 rows from the page count) ...
        var before = refused(
                """
                        [{"Plan":{"Node Type":"Aggregate","Strategy":"Plain","Startup Cost":3431.31,"Total Cost":3431.32,"Plan Rows":1,"Plans":[
                          {"Node Type":"Seq Scan","Parent Relationship":"Outer","Relation Name":"big","Schema":"public",
                           "Startup Cost":0.0,"Total Cost":3099.25,"Plan Rows":132825}]}}]""");
        assertEquals(132_825, rowsRead(before));
        // ... and after VACUUM ANALYZE: the visibility map makes an index-only walk cheaper
        var after = refused(
                """
                        [{"Plan":{"Node Type":"Aggregate","Strategy":"Plain","Partial Mode":"Finalize","Startup Cost":3926.18,
                          "Total Cost":3926.19,"Plan Rows":1,"Plans":[
                          {"Node Type":"Gather","Parent Relationship":"Outer","Startup Cost":3925.96,"Total Cost":3926.17,"Plan Rows":2,
                           "Workers Planned":2,"Single Copy":false,"Plans":[
                            {"Node Type":"Aggregate","Strategy":"Plain","Partial Mode":"Partial","Parent Relationship":"Outer",
                             "Startup Cost":2925.96,"Total Cost":2925.97,"Plan Rows":1,"Plans":[
                              {"Node Type":"Index Only Scan","Parent Relationship":"Outer","Parallel Aware":true,"Index Name":"big_customer_idx",
                               "Relation Name":"big","Schema":"public","Startup Cost":0.29,"Total Cost":2717.63,"Plan Rows":83333}]}]}]}}]""");
        assertEquals(83_333 * 2.4, rowsRead(after), 1.0, "per-process rows times PostgreSQL's divisor for 2 workers");
    }

    @Test
    void lookupByIndexReadsItsPlanRows() throws Exception {
        // SELECT id, status FROM big WHERE id = 5
        allowed("""
                [{"Plan":{"Node Type":"Index Scan","Index Name":"big_pkey","Relation Name":"big","Schema":"public",
                  "Startup Cost":0.42,"Total Cost":8.44,"Plan Rows":1,"Index Cond":"(id = 5)"}}]""");
        // a range the index cannot narrow is still a read of most of the table
        var range = refused(
                """
                        [{"Plan":{"Node Type":"Aggregate","Strategy":"Plain","Total Cost":7478.42,"Plan Rows":1,"Plans":[
                          {"Node Type":"Index Scan","Parent Relationship":"Outer","Index Name":"big_pkey","Relation Name":"big",
                           "Schema":"public","Startup Cost":0.42,"Total Cost":6978.42,"Plan Rows":50000,"Index Cond":"(id > 150000)"}]}}]""");
        assertTrue(range.message().contains("Narrow the range"), range.message());
    }

    @Test
    void indexWalkForOrderByIsScaledByTheLimitOffsetIncluded() throws Exception {
        // SELECT id, status FROM big ORDER BY id LIMIT 10
        allowed("""
                [{"Plan":{"Node Type":"Limit","Startup Cost":0.42,"Total Cost":0.77,"Plan Rows":10,"Plans":[
                  {"Node Type":"Index Scan","Parent Relationship":"Outer","Index Name":"big_pkey","Relation Name":"big",
                   "Schema":"public","Startup Cost":0.42,"Total Cost":6978.42,"Plan Rows":200000}]}}]""");
        // SELECT id FROM big ORDER BY id LIMIT 10 OFFSET 100000: the Limit's cost counts the skipped rows
        var offset = refused(
                """
                        [{"Plan":{"Node Type":"Limit","Startup Cost":8493.08,"Total Cost":8493.93,"Plan Rows":10,"Plans":[
                          {"Node Type":"Index Only Scan","Parent Relationship":"Outer","Index Name":"big_pkey","Relation Name":"big",
                           "Schema":"public","Startup Cost":0.42,"Total Cost":11280.8,"Plan Rows":132825}]}}]""");
        assertEquals(100_010, rowsRead(offset), 50);
    }

    @Test
    void sortUnderALimitReadsItsWholeInput() throws Exception {
        // SELECT id, status FROM big ORDER BY random() LIMIT 10
        var refuse = refused(
                """
                        [{"Plan":{"Node Type":"Limit","Startup Cost":8592.93,"Total Cost":8592.95,"Plan Rows":10,"Plans":[
                          {"Node Type":"Sort","Parent Relationship":"Outer","Startup Cost":8592.93,"Total Cost":9092.93,"Plan Rows":200000,
                           "Sort Key":["(random())"],"Plans":[
                            {"Node Type":"Seq Scan","Parent Relationship":"Outer","Relation Name":"big","Schema":"public",
                             "Startup Cost":0.0,"Total Cost":4271.0,"Plan Rows":200000}]}]}}]""");
        assertEquals(200_000, rowsRead(refuse));
    }

    @Test
    void filteredWalkReadsTheWholeTableWhateverItReturns() throws Exception {
        // SELECT id, status FROM big WHERE status = 'x' (analyzed: one row expected)
        var refuse = refused(
                """
                        [{"Plan":{"Node Type":"Seq Scan","Relation Name":"big","Schema":"public","Startup Cost":0.0,"Total Cost":4271.0,
                          "Plan Rows":1,"Filter":"(status = 'x'::text)"}}]""");
        assertEquals(200_000, rowsRead(refuse), "the catalog's estimate of the table");
        assertTrue(refuse.message().contains("Filter on an indexed column you may read (id, customer_id)"),
                refuse.message());
        // the same filter under a LIMIT reads the share PostgreSQL expects to scan before it has the rows
        allowed("""
                [{"Plan":{"Node Type":"Limit","Startup Cost":0.0,"Total Cost":0.64,"Plan Rows":10,"Plans":[
                  {"Node Type":"Seq Scan","Parent Relationship":"Outer","Relation Name":"big","Schema":"public",
                   "Startup Cost":0.0,"Total Cost":4271.0,"Plan Rows":66667,"Filter":"(status = 'paid'::text)"}]}}]""");
    }

    @Test
    void sortedAggregateStreamsButHashedAggregateAndWindowAggBlock() throws Exception {
        // SELECT customer_id, count(*) FROM big GROUP BY customer_id ORDER BY customer_id LIMIT 5
        allowed("""
                [{"Plan":{"Node Type":"Limit","Startup Cost":0.29,"Total Cost":265.96,"Plan Rows":5,"Plans":[
                  {"Node Type":"Aggregate","Strategy":"Sorted","Parent Relationship":"Outer","Startup Cost":0.29,
                   "Total Cost":10626.8,"Plan Rows":200,"Plans":[
                    {"Node Type":"Index Only Scan","Parent Relationship":"Outer","Relation Name":"big","Schema":"public",
                     "Startup Cost":0.29,"Total Cost":9960.67,"Plan Rows":132825}]}]}}]""");
        refused("""
                [{"Plan":{"Node Type":"Limit","Startup Cost":3763.38,"Total Cost":3763.4,"Plan Rows":1,"Plans":[
                  {"Node Type":"Aggregate","Strategy":"Hashed","Parent Relationship":"Outer","Startup Cost":3763.38,
                   "Total Cost":3765.38,"Plan Rows":200,"Plans":[
                    {"Node Type":"Seq Scan","Parent Relationship":"Outer","Relation Name":"big","Schema":"public",
                     "Startup Cost":0.0,"Total Cost":3099.25,"Plan Rows":132825}]}]}}]""");
        // SELECT id, row_number() OVER (ORDER BY id) FROM big LIMIT 5: a window may need its whole partition
        refused("""
                [{"Plan":{"Node Type":"Limit","Startup Cost":0.42,"Total Cost":0.92,"Plan Rows":5,"Plans":[
                  {"Node Type":"WindowAgg","Parent Relationship":"Outer","Startup Cost":0.42,"Total Cost":13273.17,
                   "Plan Rows":132825,"Plans":[
                    {"Node Type":"Index Only Scan","Parent Relationship":"Outer","Relation Name":"big","Schema":"public",
                     "Startup Cost":0.42,"Total Cost":11280.8,"Plan Rows":132825}]}]}}]""");
    }

    @Test
    void bitmapHeapScanReadsItsBitmapEvenUnderALimit() throws Exception {
        // SELECT id FROM big WHERE customer_id = 5 AND status = 'paid'
        allowed("""
                [{"Plan":{"Node Type":"Bitmap Heap Scan","Relation Name":"big","Schema":"public","Startup Cost":4.6,
                  "Total Cost":147.16,"Plan Rows":13,"Recheck Cond":"(customer_id = 5)","Filter":"(status = 'paid'::text)","Plans":[
                  {"Node Type":"Bitmap Index Scan","Parent Relationship":"Outer","Index Name":"big_customer_idx",
                   "Startup Cost":0.0,"Total Cost":4.59,"Plan Rows":40,"Index Cond":"(customer_id = 5)"}]}}]""");
        var refuse = refused(
                """
                        [{"Plan":{"Node Type":"Limit","Startup Cost":639.43,"Total Cost":639.6,"Plan Rows":10,"Plans":[
                          {"Node Type":"Bitmap Heap Scan","Parent Relationship":"Outer","Relation Name":"big","Schema":"public",
                           "Startup Cost":639.43,"Total Cost":2735.98,"Plan Rows":44275,"Recheck Cond":"(customer_id < 100)","Plans":[
                            {"Node Type":"BitmapOr","Parent Relationship":"Outer","Plan Rows":0,"Plans":[
                              {"Node Type":"Bitmap Index Scan","Parent Relationship":"Member","Plan Rows":30000},
                              {"Node Type":"Bitmap Index Scan","Parent Relationship":"Member","Plan Rows":14275}]}]}]}}]""");
        assertEquals(44_275, rowsRead(refuse), "BitmapOr: the sum of its bitmaps");
        assertTrue(refuse.message().contains("Narrow the range"), refuse.message());
    }

    @Test
    void parallelSeqScanRowsAreMultipliedByTheDivisor() throws Exception {
        // SELECT b.id FROM big b JOIN big c ON c.id = b.customer_id (never analyzed; one worker)
        var refuse = refused(
                """
                        [{"Plan":{"Node Type":"Gather","Startup Cost":4168.4,"Total Cost":7000.0,"Plan Rows":44275,"Workers Planned":1,
                          "Single Copy":false,"Plans":[
                          {"Node Type":"Hash Join","Parent Relationship":"Outer","Parallel Aware":true,"Startup Cost":4168.4,
                           "Total Cost":6333.32,"Plan Rows":26044,"Plans":[
                            {"Node Type":"Seq Scan","Parent Relationship":"Outer","Parallel Aware":true,"Relation Name":"small",
                             "Schema":"public","Plan Rows":29},
                            {"Node Type":"Hash","Parent Relationship":"Inner","Parallel Aware":true,"Plan Rows":78132,"Plans":[
                              {"Node Type":"Seq Scan","Parent Relationship":"Outer","Parallel Aware":true,"Relation Name":"big",
                               "Schema":"public","Startup Cost":0.0,"Total Cost":2552.32,"Plan Rows":78132}]}]}]}}]""");
        assertEquals(78_132 * 1.7, rowsRead(refuse), 1.0, "one worker and the leader: divisor 1.7");
    }

    @Test
    void nestedLoopRunsItsInnerSideOncePerOuterRow() throws Exception {
        String nestedLoop = """
                [{"Plan":{"Node Type":"Nested Loop","Startup Cost":0.0,"Total Cost":500.0,"Plan Rows":%d,"Plans":[
                  {"Node Type":"Seq Scan","Parent Relationship":"Outer","Relation Name":"small","Schema":"public",
                   "Startup Cost":0.0,"Total Cost":1.5,"Plan Rows":50},
                  {"Node Type":"Index Scan","Parent Relationship":"Inner","Relation Name":"big","Schema":"public",
                   "Startup Cost":0.42,"Total Cost":8.44,"Plan Rows":%d,"Index Cond":"(customer_id = small.id)"}]}}]""";
        assertEquals(25_000, rowsRead(refused(nestedLoop.formatted(25_000, 500))), "50 lookups of 500 rows");
        allowed(nestedLoop.formatted(250, 5));
    }

    @Test
    void smallTablesAreNeverLargeHoweverOftenTheyAreRead() throws Exception {
        // a cross join rescans the small table once per row of the other side
        allowed("""
                [{"Plan":{"Node Type":"Nested Loop","Startup Cost":0.0,"Total Cost":60.0,"Plan Rows":2500,"Plans":[
                  {"Node Type":"Seq Scan","Parent Relationship":"Outer","Relation Name":"small","Schema":"public","Plan Rows":50},
                  {"Node Type":"Seq Scan","Parent Relationship":"Inner","Relation Name":"small","Schema":"public","Plan Rows":50}]}}]""");
    }

    @Test
    void subplanRunsPerRowUnlessHashed() throws Exception {
        String subplan = """
                [{"Plan":{"Node Type":"Seq Scan","Relation Name":"small","Schema":"public","Total Cost":100.0,"Plan Rows":40,
                  "Filter":"(NOT (%s))","Plans":[
                  {"Node Type":"Index Scan","Parent Relationship":"SubPlan","Subplan Name":"SubPlan 1","Relation Name":"big",
                   "Schema":"public","Total Cost":10.22,"Plan Rows":1000,"Index Cond":"(id < 1000)"}]}}]""";
        allowed(subplan.formatted("hashed SubPlan 1"));
        assertEquals(50_000, rowsRead(refused(subplan.formatted("SubPlan 1"))),
                "once per row of small read: 50 x 1,000");
    }

    @Test
    void materializedCteIsChargedInFull() throws Exception {
        // WITH x AS MATERIALIZED (SELECT id FROM big) SELECT id FROM x LIMIT 3
        refused("""
                [{"Plan":{"Node Type":"Limit","Startup Cost":3099.25,"Total Cost":3099.31,"Plan Rows":3,"Plans":[
                  {"Node Type":"Seq Scan","Parent Relationship":"InitPlan","Subplan Name":"CTE x","Relation Name":"big",
                   "Schema":"public","Startup Cost":0.0,"Total Cost":3099.25,"Plan Rows":132825},
                  {"Node Type":"CTE Scan","Parent Relationship":"Outer","CTE Name":"x","Startup Cost":0.0,"Total Cost":2656.5,
                   "Plan Rows":132825}]}}]""");
    }

    @Test
    void unknownNodeTypesBlockAndUnknownScansReadTheWholeTable() throws Exception {
        refused("""
                [{"Plan":{"Node Type":"Limit","Startup Cost":0.0,"Total Cost":0.1,"Plan Rows":1,"Plans":[
                  {"Node Type":"Custom Scan","Parent Relationship":"Outer","Relation Name":"big","Schema":"public",
                   "Startup Cost":0.0,"Total Cost":1000.0,"Plan Rows":10}]}}]""");
    }

    @Test
    void tableWithoutAReadableIndexIsToldToUseALimit() throws Exception {
        var refuse = refused("""
                [{"Plan":{"Node Type":"Aggregate","Strategy":"Plain","Total Cost":3500.0,"Plan Rows":1,"Plans":[
                  {"Node Type":"Seq Scan","Parent Relationship":"Outer","Relation Name":"bare","Schema":"public",
                   "Total Cost":3000.0,"Plan Rows":200000}]}}]""");
        assertTrue(refuse.message().contains("no index on a column you may read: add a LIMIT"), refuse.message());
    }

    // -- what a refusal may name

    @Test
    void hintNamesOnlyReadableColumnsOfIndexesWhoseColumnsAreAllReadable() throws Exception {
        var refuse = refused(
                """
                        [{"Plan":{"Node Type":"Seq Scan","Relation Name":"events","Schema":"public","Total Cost":30000.0,"Plan Rows":3,
                          "Filter":"(region = 'x'::text)"}}]""");
        String all = refuse.message() + refuse.details();
        assertFalse(all.contains("email"), "no denied column nor an index on it: " + all);
        assertFalse(all.contains("region"), "region's only index also holds email: " + all);
        assertTrue(refuse.message().contains("(id, created_at)"), refuse.message());
        assertEquals(List.of("id", "created_at"),
                assertInstanceOf(RefusalDetails.LargeTableRead.class, refuse.details()).indexedColumns());
        assertTrue(refuse.message().contains("explain_policy.large_table_threshold")
                && refuse.message().contains("explain_policy.deny_seq_scan_on_large_tables"), refuse.message());
    }

    @Test
    void tableTheCallerCannotSeeIsNotNamed() throws Exception {
        // SELECT id FROM vault_kinds WHERE kind = 'x', a view over the denied table vault
        var refuse = refused(
                """
                        [{"Plan":{"Node Type":"Seq Scan","Relation Name":"vault","Schema":"public","Alias":"vault","Total Cost":900.0,
                          "Plan Rows":250,"Filter":"(vault.kind = 'x'::text)"}}]""");
        String all = refuse.message() + refuse.details();
        assertFalse(all.contains("vault"), all);
        assertTrue(refuse.message().contains("a large table behind this query"), refuse.message());
        assertInstanceOf(RefusalDetails.HiddenLargeTableRead.class, refuse.details(), all);
        assertFalse(refuse.message().contains("50,000"), "nor its size: " + refuse.message());
    }

    @Test
    void withoutSchemaTheLargestTableOfThatNameIsAssumed() throws Exception {
        // plain EXPLAIN names no schema: a filtered scan of "vault" could be the denied table
        var refuse = refused(
                """
                        [{"Plan":{"Node Type":"Seq Scan","Relation Name":"vault","Total Cost":900.0,"Plan Rows":250,"Filter":"(kind = 'x')"}}]""");
        assertFalse((refuse.message() + refuse.details()).contains("vault"));
    }

    @Test
    void largeReadsAreAllowedWhenTheOperatorSaysSo() throws Exception {
        ExplainPolicy lenient = new ExplainPolicy(new ExplainPolicyConfig(true, 100_000, 10_000.0, false, 10_000,
                Duration.ofSeconds(5), Duration.ofSeconds(60), 1000));
        assertInstanceOf(ExplainPolicy.Decision.Pass.class,
                lenient.decide(
                        plan("""
                                [{"Plan":{"Node Type":"Seq Scan","Relation Name":"big","Schema":"public","Total Cost":4271.0,"Plan Rows":1,
                                  "Filter":"(status = 'x'::text)"}}]"""),
                        CATALOG, ACCESS));
    }
}
