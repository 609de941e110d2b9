package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.ColumnAccessConfig;
import io.pgmcp.config.FunctionAccessConfig;
import io.pgmcp.config.OnDenied;
import io.pgmcp.config.SelectStarPolicy;
import io.pgmcp.config.TableAccessConfig;
import io.pgmcp.catalog.Catalog;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PostgreSQL read-only grammar the guard must understand - and check like any other expression:
 * each construct is allowed on its own, and refused when a denied column or a disallowed function
 * sits inside it. On an in-memory catalog; the corpus runs the same shapes on a real database.
 */
class PostgresGrammarTest {
    /** {@code events} has columns named like date units; {@code events.month} is denied. */
    static final Catalog CATALOG = new Catalog("main", Instant.EPOCH, List.of("public"), List.of(
            SqlGuardTest.table("public", "users", "id", "name", "email", "password_hash", "ssn"),
            SqlGuardTest.table("public", "orders", "id", "user_id", "total", "status", "created_at"),
            SqlGuardTest.table("public", "events", "id", "day", "month", "year", "hour", "minute", "second",
                    "payload")),
            List.of(), Set.of("pg_class"));

    static SqlGuard guard(OnDenied onDenied, SelectStarPolicy star) {
        AccessPolicyConfig defaults = AccessPolicyConfig.defaults();
        return new SqlGuard(
                new AccessPolicy(new AccessPolicyConfig(List.of("public"), new TableAccessConfig(List.of(), List.of()),
                        new ColumnAccessConfig(List.of("users.password_hash", "users.ssn", "events.month"), List.of(),
                                onDenied, star),
                        defaults.explainPolicy(), new FunctionAccessConfig(List.of()))),
                "appdb");
    }

    static final SqlGuard GUARD = guard(OnDenied.REJECT, SelectStarPolicy.REJECT);

    static Verdict.Allowed allowed(String sql) {
        return allowed(GUARD, sql);
    }

    static Verdict.Allowed allowed(SqlGuard guard, String sql) {
        Verdict verdict = guard.check(sql, CATALOG);
        return assertInstanceOf(Verdict.Allowed.class, verdict, () -> sql + " -> " + verdict);
    }

    static Verdict.Denied denied(String sql, Verdict.Reason reason) {
        Verdict verdict = GUARD.check(sql, CATALOG);
        Verdict.Denied denied = assertInstanceOf(Verdict.Denied.class, verdict, sql);
        assertEquals(reason, denied.reason(), () -> sql + " -> " + denied.message());
        return denied;
    }

    // ---- GROUP BY ROLLUP / CUBE / grouping() -------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT status, count(*) FROM orders GROUP BY ROLLUP (status)",
            "SELECT status, user_id, sum(total) FROM orders GROUP BY CUBE (status, user_id)",
            "SELECT status, user_id, count(*) FROM orders GROUP BY ROLLUP ((status, user_id), id)",
            "SELECT status, count(*) FROM orders GROUP BY id, rollup(status), cube(user_id)",
            "SELECT status, grouping(status) AS g, count(*) FROM orders GROUP BY ROLLUP (status) ORDER BY g",
            "SELECT status, count(*) FROM orders GROUP BY GROUPING SETS ((status), ROLLUP (user_id))"})
    void rollupCubeAndGroupingAreGroupingSyntaxNotFunctionCalls(String sql) {
        allowed(sql);
    }

    @Test
    void rollupCubeAndGroupingStillCheckWhatTheyGroupBy() {
        denied("SELECT count(*) FROM users GROUP BY ROLLUP (name, ssn)", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT count(*) FROM users GROUP BY CUBE ((name, ssn))", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT grouping(ssn) FROM users GROUP BY ROLLUP (name)", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT count(*) FROM orders GROUP BY ROLLUP (pg_sleep(1))", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT count(*) FROM orders GROUP BY GROUPING SETS (CUBE (status, pg_sleep(1)::text))",
                Verdict.Reason.UNSAFE_SQL);
        denied("SELECT grouping(pg_sleep(1)) FROM orders GROUP BY ROLLUP (status)", Verdict.Reason.UNSAFE_SQL);
        // outside GROUP BY, or quoted, or qualified, rollup is an ordinary (unknown) function
        denied("SELECT rollup(status) FROM orders", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT count(*) FROM orders GROUP BY \"rollup\"(status)", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT count(*) FROM orders GROUP BY public.cube(status)", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT \"grouping\"(status) FROM orders GROUP BY status", Verdict.Reason.UNSAFE_SQL);
    }

    // ---- = ANY (array), LIKE ALL (array) -------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT id FROM orders WHERE status = ANY (ARRAY['paid', 'pending'])",
            "SELECT id FROM orders WHERE status = ANY ('{paid,pending}')",
            "SELECT id FROM orders WHERE status ILIKE ANY (ARRAY['p%', 'x%'])",
            "SELECT id FROM orders WHERE status NOT LIKE ALL (ARRAY['p%'])",
            "SELECT id FROM orders WHERE id = SOME (ARRAY[1, 2])",
            "SELECT id FROM orders WHERE status <> ALL (string_to_array('a,b', ','))",
            "SELECT id FROM orders WHERE id > ALL (SELECT user_id FROM orders WHERE false)"})
    void quantifiedComparisonsWithArraysAreNotFunctionCalls(String sql) {
        allowed(sql);
    }

    @Test
    void quantifiedComparisonsStillCheckTheirArray() {
        denied("SELECT id FROM users WHERE name = ANY (ARRAY[ssn])", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT id FROM users WHERE ssn = ANY (ARRAY['1'])", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT id FROM users WHERE name LIKE ALL (string_to_array(password_hash, ','))",
                Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT id FROM orders WHERE status = ANY (ARRAY[pg_sleep(1)::text])", Verdict.Reason.UNSAFE_SQL);
        // only the right operand of a comparison is a quantifier; elsewhere any() is an unknown function
        denied("SELECT any(ARRAY[1])", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT id FROM orders WHERE status = \"any\"(ARRAY['a'])", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT id FROM orders WHERE true AND ANY (ARRAY[true])", Verdict.Reason.UNSAFE_SQL);
    }

    // ---- ROW(...) --------------------------------------------------------------------------

    @Test
    void rowConstructorIsNotAFunctionCall() {
        allowed("SELECT ROW(1, 'a')");
        allowed("SELECT ROW(id, status) = ROW(1, 'paid') FROM orders");
        allowed("SELECT row(o.id, o.total) AS r FROM orders o ORDER BY r");
    }

    @Test
    void rowConstructorStillChecksItsFields() {
        denied("SELECT ROW(id, ssn) FROM users", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT ROW(u.*) FROM users u", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT ROW(u) FROM users u", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT ROW(pg_sleep(1))", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT \"row\"(1, 2)", Verdict.Reason.UNSAFE_SQL);
    }

    // ---- names JSQLParser reads as date units ------------------------------------------------

    @Test
    void columnsNamedLikeDateUnitsAreOrdinaryColumns() {
        allowed("WITH m AS (SELECT date_trunc('month', created_at) AS month, count(*) AS n FROM orders GROUP BY 1) "
                + "SELECT month, n FROM m ORDER BY month");
        allowed("SELECT day, year, hour, minute, second FROM events ORDER BY day");
        allowed("SELECT e.day, count(*) FROM events e GROUP BY day HAVING min(hour) > 1");
        allowed("SELECT date_trunc('day', created_at) AS day FROM orders ORDER BY day");
    }

    @Test
    void deniedColumnsNamedLikeDateUnitsAreStillDenied() {
        denied("SELECT month FROM events", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT id FROM events WHERE MONTH > 3", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT id FROM events ORDER BY month", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT count(*) FROM events GROUP BY month", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT coalesce(month, 0) FROM events", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT day FROM orders", Verdict.Reason.COLUMN_ACCESS_DENIED);
    }

    // ---- WITH RECURSIVE ... SEARCH / CYCLE ----------------------------------------------------

    @Test
    void searchAndCycleClausesAddTheirColumnsToTheRecursiveQuery() {
        String tree = "WITH RECURSIVE t(id, parent) AS (SELECT 1, 0 UNION ALL SELECT id + 1, id FROM t WHERE id < 5) ";
        allowed(tree + "SEARCH DEPTH FIRST BY id SET ord SELECT * FROM t ORDER BY ord");
        allowed(tree + "SEARCH BREADTH FIRST BY id, parent SET ord SELECT id, ord FROM t ORDER BY ord");
        allowed(tree + "CYCLE id SET is_cycle USING path SELECT id, is_cycle, path FROM t");
        allowed(tree + "CYCLE id SET is_cycle TO true DEFAULT false USING path SELECT * FROM t WHERE NOT is_cycle");
        allowed(tree + "SEARCH DEPTH FIRST BY id SET ord CYCLE id SET c USING p SELECT ord, c, p FROM t ORDER BY ord");
    }

    @Test
    void searchAndCycleClausesAreChecked() {
        String tree = "WITH RECURSIVE t(id, parent) AS (SELECT 1, 0 UNION ALL SELECT id + 1, id FROM t WHERE id < 5) ";
        denied(tree + "SEARCH DEPTH FIRST BY nosuch SET ord SELECT * FROM t", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied(tree + "CYCLE nosuch SET c USING p SELECT * FROM t", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied(tree + "SEARCH DEPTH FIRST BY id SET ord SELECT nosuch FROM t", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied(tree + "CYCLE id SET c TO pg_sleep(1)::text DEFAULT 'n' USING p SELECT * FROM t",
                Verdict.Reason.UNSAFE_SQL);
        denied("WITH RECURSIVE t(id, s) AS (SELECT id, ssn FROM users UNION ALL SELECT id + 1, s FROM t WHERE id < 5) "
                + "SEARCH DEPTH FIRST BY id SET ord SELECT id FROM t", Verdict.Reason.COLUMN_ACCESS_DENIED);
    }

    // ---- operators JSQLParser cannot read ----------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT id FROM orders WHERE to_jsonb(status) @? '$.a'",
            "SELECT id FROM orders WHERE to_jsonb(total) @@ '$ > 10'",
            "SELECT id FROM orders WHERE status ^@ 'pa' AND to_jsonb(status) @? '$' = true",
            "SELECT 1 OPERATOR(pg_catalog.+) 2",
            "SELECT id OPERATOR(pg_catalog.*) 2 AS twice FROM orders",
            "SELECT to_jsonb(o) #- '{status}' FROM orders o",
            "SELECT status ~~ 'p%', status !~~* 'P%' FROM orders"})
    void builtInOperatorsJsqlParserCannotReadAreUnderstood(String sql) {
        Verdict.Allowed allowed = allowed(sql);
        assertEquals(sql, allowed.sql(), "the operators run as written");
    }

    @Test
    void operandsOfUnreadableOperatorsAreStillChecked() {
        denied("SELECT id FROM users WHERE to_jsonb(ssn) @? '$.a'", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT id FROM users WHERE name @? ssn::jsonpath", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT 1 OPERATOR(pg_catalog.+) length(ssn) FROM users", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT to_jsonb(u) #- '{ssn}' FROM users u", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT id FROM orders WHERE to_jsonb(status) @? pg_sleep(1)::text::jsonpath",
                Verdict.Reason.UNSAFE_SQL);
        // an operator from another schema can run any function: still refused
        denied("SELECT 1 OPERATOR(public.+) 2", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT 1 OPERATOR(pg_catalog.===) 2", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT 1 === 2", Verdict.Reason.UNSAFE_SQL);
    }

    @Test
    void rewrittenQueriesKeepOperatorsJsqlParserCannotRead() {
        SqlGuard expand = guard(OnDenied.REJECT, SelectStarPolicy.EXPAND_SAFE);
        Verdict.Allowed allowed = allowed(expand,
                "SELECT * FROM users WHERE to_jsonb(name) @? '$' AND id | 1 > 0 AND id OPERATOR(pg_catalog.+) 1 > 0");
        assertTrue(allowed.rewritten());
        assertEquals("SELECT users.id, users.name, users.email FROM users WHERE to_jsonb(name) @? '$' AND id | 1 > 0 "
                + "AND id OPERATOR(pg_catalog.+) 1 > 0", allowed.sql());
    }

    // ---- ROWS FROM ---------------------------------------------------------------------------

    @Test
    void rowsFromChecksEachFunction() {
        allowed("SELECT * FROM ROWS FROM (generate_series(1, 3)) AS g(x)");
        allowed("SELECT g.x, g.y, g.n FROM ROWS FROM (generate_series(1, 3), unnest(ARRAY['a', 'b'])) WITH ORDINALITY AS g(x, y, n)");
        denied("SELECT * FROM ROWS FROM (generate_series(1, 3), pg_sleep(1)) AS g(x, y)", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT g.x FROM users u, LATERAL ROWS FROM (unnest(ARRAY[u.ssn])) AS g(x)",
                Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT g.nosuch FROM ROWS FROM (generate_series(1, 3)) AS g(x)", Verdict.Reason.COLUMN_ACCESS_DENIED);
    }

    // ---- session facts and function-style casts ---------------------------------------------

    @Test
    void sessionFactsAndFunctionStyleCastsAreAllowed() {
        allowed("SELECT version(), current_database(), current_schema(), current_schemas(false)");
        allowed("SELECT date(created_at), text(id), int4(total), int8(id), float8(total), bool(status), timestamptz(created_at) FROM orders");
        allowed("SELECT pg_catalog.date(created_at) FROM orders");
    }

    @Test
    void functionStyleCastsStillCheckTheirArgument() {
        denied("SELECT text(ssn) FROM users", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT text(u) FROM users u", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT int4(u.*) FROM users u", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT date(pg_sleep(1)::text)", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT regclass('users')", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT current_setting('data_directory')", Verdict.Reason.UNSAFE_SQL);
    }

    // ---- on_denied: filter, select_star_policy: expand_safe ---------------------------------

    @Test
    void filterDropsAParenthesisedDeniedColumn() {
        SqlGuard filter = guard(OnDenied.FILTER, SelectStarPolicy.REJECT);
        Verdict.Allowed allowed = allowed(filter, "SELECT id, (ssn) FROM users");
        assertEquals("SELECT id FROM users", allowed.sql());
        assertInstanceOf(Verdict.Denied.class, filter.check("SELECT id, (ssn || '') FROM users", CATALOG),
                "an expression is not filtered");
    }

    @Test
    void tableStatementIsSelectStar() {
        SqlGuard expand = guard(OnDenied.REJECT, SelectStarPolicy.EXPAND_SAFE);
        Verdict.Allowed rewritten = allowed(expand, "TABLE users");
        assertTrue(rewritten.rewritten());
        assertEquals("SELECT users.id, users.name, users.email FROM users", rewritten.sql());
        assertEquals("SELECT u.id FROM (SELECT users.id, users.name, users.email FROM users) u",
                allowed(expand, "SELECT u.id FROM (TABLE users) u").sql());
        Verdict.Denied refused = denied("TABLE users", Verdict.Reason.COLUMN_ACCESS_DENIED);
        assertFalse(refused.message().contains("ssn"),
                "a refusal never names the hidden columns: " + refused.message());
        assertEquals("SELECT * FROM orders ORDER BY id LIMIT 2", allowed("TABLE orders ORDER BY id LIMIT 2").sql());
        allowed("TABLE orders UNION ALL TABLE orders");
        allowed("SELECT count(*) FROM (TABLE orders) o WHERE o.total > 1");
        denied("SELECT id FROM orders WHERE id IN (SELECT id FROM (TABLE users) u WHERE u.ssn > '')",
                Verdict.Reason.COLUMN_ACCESS_DENIED);
        // a column may be called "table" after a dot or AS: that is no TABLE statement
        allowed("SELECT 1 AS table");
    }

    // ---- a function in FROM names its column ------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT o.id, m[1] AS word FROM orders o, LATERAL regexp_matches(o.status, '(pa|pe)', 'g') AS m ORDER BY o.id",
            "SELECT o.id, m.m FROM orders o, regexp_matches(o.status, 'p') AS m",
            "SELECT id, ts_rank(to_tsvector(status), query) AS rank FROM orders, to_tsquery('english', 'paid') query "
                    + "WHERE to_tsvector(status) @@ query ORDER BY rank DESC",
            "SELECT upper FROM upper('a')", "SELECT t FROM upper('a') AS t",
            "SELECT d, d.d FROM date_trunc('day', now()) AS d", "SELECT x FROM now() AS n(x)",
            "SELECT g, ordinality FROM generate_series(1, 3) WITH ORDINALITY AS g"})
    void aFunctionOfABaseTypeInFromYieldsOneColumnNamedAfterItsAlias(String sql) {
        allowed(sql);
    }

    @Test
    void aFunctionInFromStillChecksItsArgumentsAndItsName() {
        denied("SELECT m[1] FROM users u, LATERAL regexp_matches(u.ssn, '1') AS m",
                Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT q FROM to_tsquery(pg_sleep(1)::text) q", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT q FROM pg_sleep(1) q", Verdict.Reason.UNSAFE_SQL);
        // the alias is the column, not a way to the columns of other tables
        denied("SELECT q.ssn FROM users, to_tsquery('a') q", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT ssn FROM users, to_tsquery('a') ssn", Verdict.Reason.COLUMN_ACCESS_DENIED);
        // a function that is not PostgreSQL's own may return anything: its columns are not guessed
        SqlGuard configured = new SqlGuard(new AccessPolicy(new AccessPolicyConfig(List.of("public"),
                new TableAccessConfig(List.of(), List.of()), new ColumnAccessConfig(List.of("users.ssn"), List.of(),
                        OnDenied.REJECT, SelectStarPolicy.REJECT),
                AccessPolicyConfig.defaults().explainPolicy(),
                new FunctionAccessConfig(List.of("public.report")))), "appdb");
        assertInstanceOf(Verdict.Denied.class,
                configured.check("SELECT (SELECT r FROM public.report() r) FROM users", CATALOG));
        assertInstanceOf(Verdict.Allowed.class, configured.check("SELECT r.x FROM public.report() AS r(x)", CATALOG));
    }

    // ---- SELECT FROM: an empty select list --------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT u.id FROM users u WHERE NOT EXISTS (SELECT FROM orders o WHERE o.user_id = u.id AND o.status <> 'paid')",
            "SELECT FROM orders", "SELECT ALL FROM orders WHERE id > 1", "SELECT", "SELECT WHERE true",
            "SELECT FROM orders UNION ALL SELECT FROM orders",
            "SELECT count(*) FROM (SELECT FROM orders GROUP BY status) s",
            "SELECT EXISTS (SELECT FROM orders LIMIT 1)", "SELECT id FROM orders o WHERE EXISTS (SELECT)"})
    void anEmptySelectListIsRead(String sql) {
        Verdict.Allowed allowed = allowed(sql);
        assertEquals(sql, allowed.sql(), "the query runs as written");
    }

    @Test
    void anEmptySelectListStillChecksTheRestOfItsQuery() {
        denied("SELECT FROM users WHERE ssn = '1'", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT id FROM orders o WHERE EXISTS (SELECT FROM users u WHERE u.ssn = o.status)",
                Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT FROM orders WHERE pg_sleep(1) IS NULL", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT FROM orders ORDER BY pg_sleep(1)", Verdict.Reason.UNSAFE_SQL);
        // the subquery has no column at all: nothing of it can be named
        denied("SELECT s.id FROM (SELECT FROM orders) s", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT (SELECT ssn FROM (SELECT FROM orders) s) FROM users", Verdict.Reason.COLUMN_ACCESS_DENIED);
        // the stand-in of the skeleton cannot be written: backticks are refused
        denied("SELECT `pg-mcp: no columns` FROM orders", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT DISTINCT FROM orders", Verdict.Reason.UNSAFE_SQL);
    }

    @Test
    void aRewriteKeepsAnEmptySelectListEmpty() {
        SqlGuard expand = guard(OnDenied.REJECT, SelectStarPolicy.EXPAND_SAFE);
        Verdict.Allowed allowed = allowed(expand,
                "SELECT * FROM users u WHERE EXISTS (SELECT FROM orders o WHERE o.user_id = u.id)");
        assertTrue(allowed.rewritten());
        assertEquals(
                "SELECT u.id, u.name, u.email FROM users u WHERE EXISTS (SELECT  FROM orders o WHERE o.user_id = u.id)",
                allowed.sql());
    }

    // ---- GROUP BY DISTINCT / ALL ---------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT status, user_id, count(*) FROM orders GROUP BY DISTINCT ROLLUP (status, user_id), ROLLUP (status) ORDER BY 1 NULLS LAST",
            "SELECT status, count(*) FROM orders GROUP BY ALL status",
            "SELECT status FROM orders GROUP BY DISTINCT CUBE (status), ROLLUP (status, user_id)",
            "SELECT (SELECT count(*) FROM orders i GROUP BY DISTINCT i.status LIMIT 1) FROM orders"})
    void groupByDistinctAndAllAreRead(String sql) {
        assertEquals(sql, allowed(sql).sql(), "the query runs as written");
    }

    @Test
    void groupByDistinctStillChecksWhatItGroupsBy() {
        denied("SELECT count(*) FROM users GROUP BY DISTINCT ROLLUP (name, ssn)", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT count(*) FROM users GROUP BY ALL ssn", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT count(*) FROM orders GROUP BY DISTINCT CUBE (status, pg_sleep(1)::text)",
                Verdict.Reason.UNSAFE_SQL);
        // a rewrite would deparse a plain GROUP BY: not done
        SqlGuard expand = guard(OnDenied.REJECT, SelectStarPolicy.EXPAND_SAFE);
        assertInstanceOf(Verdict.Denied.class,
                expand.check("SELECT * FROM users WHERE id IN (SELECT user_id FROM orders "
                        + "GROUP BY DISTINCT user_id, ROLLUP (user_id))", CATALOG));
        allowed(expand, "SELECT * FROM users WHERE id IN (SELECT user_id FROM orders GROUP BY ALL user_id)");
    }

    // ---- names JSQLParser reads as keywords ---------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT status, jsonb_agg(jsonb_build_object('id', id) ORDER BY id) FILTER (WHERE id < 40) AS sample FROM orders GROUP BY status",
            "SELECT 1 AS current, 2 AS unknown, 3 AS Statement, 4 AS returns, 5 AS from, 6 AS unbounded",
            "SELECT current.id, sample.status FROM orders AS current JOIN orders sample ON sample.id = current.id",
            "SELECT sample FROM (SELECT id AS sample FROM orders) s ORDER BY sample",
            "SELECT returns, s.statement FROM (SELECT 1 AS returns, 2 AS statement) s",
            "SELECT count(*) AS all, max(id) AS window FROM orders"})
    void wordsJsqlParserReadsAsKeywordsAreNamesWherePostgresReadsNames(String sql) {
        assertEquals(sql, allowed(sql).sql(), "the query runs as written");
    }

    @Test
    void namesJsqlParserReadsAsKeywordsAreStillChecked() {
        denied("SELECT ssn AS sample FROM users", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT current.ssn FROM users AS current", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT sample.password_hash FROM users sample", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT returns FROM orders", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT pg_sleep(1) AS current", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT sample(1)", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT u.id FROM users u WHERE u.ssn = (SELECT 's' AS sample)", Verdict.Reason.COLUMN_ACCESS_DENIED);
        // AS NOT MATERIALIZED stays the keyword, and the CTE is checked
        denied("WITH x AS NOT MATERIALIZED (SELECT ssn FROM users) SELECT * FROM x",
                Verdict.Reason.COLUMN_ACCESS_DENIED);
    }

    // ---- named arguments ----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT make_date(2026, 2, 28) + 1 AS next_day, make_interval(days => 10, hours => 5) AS span, "
                    + "make_timestamp(2026, 3, 1, 12, 30, 0) AS ts",
            "SELECT make_interval(days := 2)", "SELECT make_interval(0, 0, 0, days => id) FROM orders",
            "SELECT jsonb_path_query_array(to_jsonb(o), '$.id', silent => true) FROM orders o"})
    void namedArgumentsAreRead(String sql) {
        assertEquals(sql, allowed(sql).sql(), "the query runs as written");
    }

    @Test
    void namedArgumentsAreCheckedLikeAnyOther() {
        denied("SELECT make_interval(days => length(ssn)) FROM users", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT make_interval(days := length(ssn)) FROM users", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT to_json(r => u) FROM users u", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT make_interval(days => pg_sleep(1)::int)", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT pg_sleep(seconds => 1)", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT count(x => *) FROM orders", Verdict.Reason.UNSAFE_SQL);
    }

    // ---- prefix operators ----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT count(*) FROM orders WHERE to_tsvector(status) @@ (to_tsquery('english', 'home') && !! to_tsquery('english', 'quiet'))",
            "SELECT |/ 25 AS root, ||/ 27, @ -5, OPERATOR(pg_catalog.-) 5, 2 OPERATOR(pg_catalog.-) 1, - 5, ~ 5",
            "SELECT id FROM orders WHERE @ total > 1 AND !! 'a'::tsquery IS NOT NULL ORDER BY @ total",
            "SELECT @@ '((0,0),(1,1))'::box, # '((0,0),(1,1),(2,0))'::polygon, @-@ '[(0,0),(3,4)]'::lseg",
            "SELECT to_jsonb(status) ?| ARRAY['a'], to_tsvector(status) @@ 'a'::tsquery FROM orders",
            "SELECT CASE WHEN @ total > 1 THEN |/ total END FROM orders WHERE total BETWEEN @ -1 AND @ 1"})
    void prefixOperatorsAreRead(String sql) {
        assertEquals(sql, allowed(sql).sql(), "the operators run as written");
    }

    @Test
    void operandsOfPrefixOperatorsAreStillChecked() {
        denied("SELECT @ length(ssn) FROM users", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT id FROM users WHERE !! ssn::tsquery IS NULL", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT OPERATOR(pg_catalog.-) length(ssn) FROM users", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT # u FROM users u", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT |/ pg_sleep(1)::text::float8", Verdict.Reason.UNSAFE_SQL);
        // operators outside pg_catalog, and operators PostgreSQL has no prefix form of, stay refused
        denied("SELECT OPERATOR(public.-) 5", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT OPERATOR(pg_catalog.*) 5", Verdict.Reason.UNSAFE_SQL);
        denied("SELECT 1 !! 5", Verdict.Reason.UNSAFE_SQL);
    }

    @Test
    void rewrittenQueriesKeepPrefixOperators() {
        SqlGuard expand = guard(OnDenied.REJECT, SelectStarPolicy.EXPAND_SAFE);
        Verdict.Allowed allowed = allowed(expand,
                "SELECT * FROM users WHERE @ id > 0 AND |/ id > 1 AND OPERATOR(pg_catalog.-) id < 0 AND id | 1 > 0");
        assertTrue(allowed.rewritten());
        assertEquals("SELECT users.id, users.name, users.email FROM users WHERE @ id > 0 AND |/ id > 1 "
                + "AND OPERATOR(pg_catalog.-) id < 0 AND id | 1 > 0", allowed.sql());
    }

    // ---- typed literals: type 'string' ---------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT int '7', numeric '1.5', text 'hello', boolean 'yes', bigint '9000000000'",
            "SELECT bool 'true', varchar 'x', char 'y', date '2026-01-01', time '12:00', timestamp '2026-01-01 10:00', "
                    + "timestamptz '2026-01-01 10:00+00', json '{}', jsonb '{\"a\": 1}', uuid 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', "
                    + "inet '10.0.0.1', cidr '10.0.0.0/8', int2 '1', int4 '2', int8 '3', float4 '1.5', float8 '2.5', real '1', "
                    + "double precision '2', money '1.50', tsquery 'a & b'",
            "SELECT varchar(3) 'abc', numeric(10, 2) '1.5', timestamp(0) with time zone '2026-01-01 10:00+00', "
                    + "character varying 'x', pg_catalog.text 'y', time with time zone '10:00+02', interval '1' day",
            "SELECT id FROM orders WHERE created_at > timestamptz '2026-01-01' AND status = text 'paid'",
            "SELECT created_at AT TIME ZONE 'UTC', text 'it''s', varchar(2) 'ab' = 'ab' FROM orders",
            "SELECT s.int4, s.text, s.timestamptz, s.bool, s.float4, s.\"interval\" FROM (SELECT int '7', text 'a', "
                    + "timestamp with time zone '2026-01-01', boolean 'yes', float(10) '1', interval '1 day') s"})
    void typedLiteralsAreCasts(String sql) {
        assertEquals(sql, allowed(sql).sql(), "the query runs as written");
    }

    @Test
    void typedLiteralsAreCheckedLikeCasts() {
        denied("SELECT text 'x' || ssn FROM users", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT id FROM users WHERE ssn = text '1'", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT boolean 'yes' AND pg_sleep(1) IS NULL", Verdict.Reason.UNSAFE_SQL);
        // a cast is named after PostgreSQL's name of its type: int '7' is the column int4, not int
        denied("SELECT s.int FROM (SELECT int '7') s", Verdict.Reason.COLUMN_ACCESS_DENIED);
        denied("SELECT s.boolean FROM (SELECT boolean 'yes') s", Verdict.Reason.COLUMN_ACCESS_DENIED);
        // types a query may not cast to stay refused however they are written
        assertInstanceOf(Verdict.Denied.class, GUARD.check("SELECT regclass 'users'", CATALOG));
        assertInstanceOf(Verdict.Denied.class, GUARD.check("SELECT pg_catalog.regclass 'users'", CATALOG));
        assertInstanceOf(Verdict.Denied.class, GUARD.check("SELECT users 'x'", CATALOG));
    }
}
