package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.catalog.Catalog;
import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.ColumnAccessConfig;
import io.pgmcp.config.FunctionAccessConfig;
import io.pgmcp.config.OnDenied;
import io.pgmcp.config.SelectStarPolicy;
import io.pgmcp.config.TableAccessConfig;
import io.pgmcp.db.GrammarCheck;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The guard's verdict cache: reuse for the same text, catalog and guard, and nothing else; bounded. */
class VerdictCacheTest {
    private static final String ALLOWED = "SELECT id, total FROM orders WHERE id = 7";
    private static final String UNREADABLE = "SELECT id, total FORM orders";

    private static AccessPolicy policy(List<String> deniedColumns) {
        return new AccessPolicy(new AccessPolicyConfig(List.of("public"), new TableAccessConfig(List.of(), List.of()),
                new ColumnAccessConfig(deniedColumns, List.of(), OnDenied.REJECT, SelectStarPolicy.REJECT),
                AccessPolicyConfig.defaults().explainPolicy(), new FunctionAccessConfig(List.of())));
    }

    private static SqlGuard guard(PostgresGrammar grammar, VerdictCache verdicts) {
        return new SqlGuard(policy(List.of("users.ssn")), "appdb", grammar, verdicts);
    }

    /** The same tables as {@link SqlGuardTest#CATALOG}, loaded again: another instance. */
    private static Catalog reloaded(Catalog catalog, Instant loadedAt) {
        return new Catalog(catalog.database(), loadedAt, catalog.schemas(), catalog.relations(), catalog.enums(),
                Set.of("pg_class", "pg_settings", "pg_user"));
    }

    private static final GrammarCheck REJECTED = new GrammarCheck.Rejected("42601",
            "syntax error at or near \"orders\"", 22, null);

    @Test
    void theSameTextAgainstTheSameCatalogIsNotCheckedAgain() {
        UnreadableStatementTest.ScriptedGrammar grammar = new UnreadableStatementTest.ScriptedGrammar(REJECTED);
        SqlGuard guard = guard(grammar, new VerdictCache());
        Verdict allowed = guard.check(ALLOWED, SqlGuardTest.CATALOG);
        assertInstanceOf(Verdict.Allowed.class, allowed);
        assertSame(allowed, guard.check(ALLOWED, SqlGuardTest.CATALOG));

        Verdict denied = guard.check(UNREADABLE, SqlGuardTest.CATALOG);
        assertEquals(Verdict.Reason.SYNTAX_ERROR, assertInstanceOf(Verdict.Denied.class, denied).reason());
        assertSame(denied, guard.check(UNREADABLE, SqlGuardTest.CATALOG));
        assertEquals(List.of(UNREADABLE), grammar.asked, "PostgreSQL's grammar is asked once");
    }

    @Test
    void aCachedVerdictEqualsAFreshOne() {
        List<String> sqls = List.of(ALLOWED, "SELECT ssn FROM users", "SELECT * FROM nowhere", "DELETE FROM orders",
                "SELECT 1; SELECT 2", "SELECT pg_sleep(1)", "SELECT id FROM internal.audit");
        SqlGuard cached = guard(PostgresGrammar.UNAVAILABLE, new VerdictCache());
        for (String sql : sqls) {
            Verdict first = cached.check(sql, SqlGuardTest.CATALOG);
            Verdict fresh = guard(PostgresGrammar.UNAVAILABLE, new VerdictCache()).check(sql, SqlGuardTest.CATALOG);
            assertEquals(fresh, cached.check(sql, SqlGuardTest.CATALOG), sql);
            assertEquals(first, fresh, sql);
        }
    }

    @Test
    void aRefreshedCatalogIsAMissAndRetiresTheOldVerdicts() {
        UnreadableStatementTest.ScriptedGrammar grammar = new UnreadableStatementTest.ScriptedGrammar(REJECTED);
        VerdictCache verdicts = new VerdictCache();
        SqlGuard guard = guard(grammar, verdicts);
        Verdict before = guard.check(ALLOWED, SqlGuardTest.CATALOG);
        guard.check(UNREADABLE, SqlGuardTest.CATALOG);
        Catalog refreshed = reloaded(SqlGuardTest.CATALOG, SqlGuardTest.CATALOG.loadedAt().plusSeconds(60));

        Verdict after = guard.check(ALLOWED, refreshed);
        assertNotSame(before, after, "checked again against the new catalog");
        assertEquals(before, after);
        assertEquals(1, verdicts.size(), "the old catalog's verdicts are gone");
        guard.check(UNREADABLE, refreshed);
        assertEquals(List.of(UNREADABLE, UNREADABLE), grammar.asked);
        assertSame(after, guard.check(ALLOWED, refreshed));
    }

    @Test
    void aTableDroppedByARefreshIsDeniedAtOnce() {
        SqlGuard guard = guard(PostgresGrammar.UNAVAILABLE, new VerdictCache());
        assertInstanceOf(Verdict.Allowed.class, guard.check(ALLOWED, SqlGuardTest.CATALOG));
        Catalog withoutOrders = new Catalog("main", Instant.EPOCH.plusSeconds(60), List.of("public"),
                SqlGuardTest.CATALOG.relations().stream().filter(t -> !t.name().equals("orders")).toList(), List.of(),
                Set.of());
        Verdict.Denied denied = assertInstanceOf(Verdict.Denied.class, guard.check(ALLOWED, withoutOrders));
        assertEquals(Verdict.Reason.TABLE_ACCESS_DENIED, denied.reason());
    }

    @Test
    void aCallStillOnTheReplacedCatalogDoesNotEvictTheNewOne() {
        VerdictCache verdicts = new VerdictCache();
        Catalog newer = reloaded(SqlGuardTest.CATALOG, SqlGuardTest.CATALOG.loadedAt().plusSeconds(60));
        Verdict verdict = new Verdict.Allowed("SELECT 1", false, List.of());
        verdicts.put("SELECT 1", newer, verdict);
        verdicts.put("SELECT 2", SqlGuardTest.CATALOG, verdict);
        assertSame(verdict, verdicts.get("SELECT 1", newer));
        assertNull(verdicts.get("SELECT 2", SqlGuardTest.CATALOG));
        assertNull(verdicts.get("SELECT 2", newer));
    }

    @Test
    void anotherPolicyGetsItsOwnVerdict() {
        String sql = "SELECT name, ssn FROM users";
        SqlGuard strict = guard(PostgresGrammar.UNAVAILABLE, new VerdictCache());
        SqlGuard lenient = new SqlGuard(policy(List.of()), "appdb", PostgresGrammar.UNAVAILABLE);
        assertEquals(Verdict.Reason.COLUMN_ACCESS_DENIED,
                assertInstanceOf(Verdict.Denied.class, strict.check(sql, SqlGuardTest.CATALOG)).reason());
        assertInstanceOf(Verdict.Allowed.class, lenient.check(sql, SqlGuardTest.CATALOG));
        assertInstanceOf(Verdict.Denied.class, strict.check(sql, SqlGuardTest.CATALOG));
        assertInstanceOf(Verdict.Allowed.class, lenient.check(sql, SqlGuardTest.CATALOG));
    }

    @Test
    void aVerdictOfTheMomentIsNotKept() {
        // PostgreSQL could not be asked about unreadable SQL: the next call asks again
        List<String> asked = new ArrayList<>();
        PostgresGrammar down = statement -> {
            asked.add(statement);
            return new GrammarCheck.Unanswered("connection refused");
        };
        VerdictCache verdicts = new VerdictCache();
        SqlGuard guard = guard(down, verdicts);
        Verdict first = guard.check(UNREADABLE, SqlGuardTest.CATALOG);
        assertEquals(first, guard.check(UNREADABLE, SqlGuardTest.CATALOG));
        assertEquals(2, asked.size());
        assertEquals(0, verdicts.size());
    }

    @Test
    void theEntryBoundHolds() {
        VerdictCache verdicts = new VerdictCache(8, 1_000_000);
        for (int i = 0; i < 100; i++) {
            verdicts.put("SELECT " + i, SqlGuardTest.CATALOG, new Verdict.Allowed("SELECT " + i, false, List.of()));
            assertTrue(verdicts.size() <= 8, "size " + verdicts.size());
        }
        assertEquals(8, verdicts.size());
        assertNotNull(verdicts.get("SELECT 99", SqlGuardTest.CATALOG), "the newest stays");
        assertNull(verdicts.get("SELECT 0", SqlGuardTest.CATALOG), "the oldest went");
    }

    @Test
    void theCharacterBoundHoldsAndAHugeVerdictIsNotKept() {
        VerdictCache verdicts = new VerdictCache(10_000, 16_000);
        String padding = "x".repeat(400);
        for (int i = 0; i < 200; i++) {
            String sql = "SELECT '" + padding + "', " + i;
            verdicts.put(sql, SqlGuardTest.CATALOG, new Verdict.Allowed(sql, false, List.of()));
            assertTrue(verdicts.chars() <= 16_000, "chars " + verdicts.chars());
        }
        assertTrue(verdicts.size() < 20, "size " + verdicts.size());

        String huge = "SELECT '" + "y".repeat(1_000) + "'";
        verdicts.put(huge, SqlGuardTest.CATALOG, new Verdict.Allowed(huge, false, List.of()));
        assertNull(verdicts.get(huge, SqlGuardTest.CATALOG));
    }

    @Test
    void aDeniedVerdictWeighsItsDetails() {
        Verdict.Denied small = new Verdict.Denied(Verdict.Reason.TABLE_ACCESS_DENIED, "no",
                new RefusalDetails.None());
        Verdict.Denied listing = new Verdict.Denied(Verdict.Reason.TABLE_ACCESS_DENIED, "no",
                new RefusalDetails.DeniedTables(List.of("t"), java.util.Map.of(),
                        java.util.Optional.of(java.util.Collections.nCopies(100, "public.some_table"))));
        assertTrue(VerdictCache.weight(listing) > VerdictCache.weight(small) + 100 * "public.some_table".length());
    }

    @Test
    void aVerdictUsedSinceTheLastSweepGetsASecondChance() {
        VerdictCache verdicts = new VerdictCache(4, 1_000_000);
        for (int i = 0; i < 4; i++) {
            verdicts.put("SELECT " + i, SqlGuardTest.CATALOG, new Verdict.Allowed("SELECT " + i, false, List.of()));
        }
        assertNotNull(verdicts.get("SELECT 0", SqlGuardTest.CATALOG));
        verdicts.put("SELECT 4", SqlGuardTest.CATALOG, new Verdict.Allowed("SELECT 4", false, List.of()));
        assertNotNull(verdicts.get("SELECT 0", SqlGuardTest.CATALOG), "used: kept");
        assertNull(verdicts.get("SELECT 1", SqlGuardTest.CATALOG), "the oldest unused went instead");
    }

    @Test
    void boundsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new VerdictCache(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new VerdictCache(10, 0));
    }

    @Test
    void concurrentChecksAgreeWithAnUncachedGuardWithinTheBounds() throws Exception {
        List<String> sqls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sqls.add(switch (i % 4) {
                case 0 -> "SELECT id, total FROM orders WHERE id = " + i;
                case 1 -> "SELECT ssn FROM users WHERE id = " + i;
                case 2 -> "SELECT id FROM missing_" + i;
                default -> "UPDATE orders SET total = " + i;
            });
        }
        List<Verdict> expected = new ArrayList<>();
        for (String sql : sqls) {
            expected.add(guard(PostgresGrammar.UNAVAILABLE, new VerdictCache()).check(sql, SqlGuardTest.CATALOG));
        }
        VerdictCache verdicts = new VerdictCache(16, 1_000_000);
        SqlGuard guard = guard(PostgresGrammar.UNAVAILABLE, verdicts);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                workers.add(pool.submit(() -> {
                    for (int n = 0; n < 1_500; n++) {
                        int i = (n * 7 + seed * 13) % sqls.size();
                        assertEquals(expected.get(i), guard.check(sqls.get(i), SqlGuardTest.CATALOG), sqls.get(i));
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(verdicts.size() <= 16, "size " + verdicts.size());
    }
}
