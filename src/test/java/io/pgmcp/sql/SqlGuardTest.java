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
import io.pgmcp.catalog.ColumnInfo;
import io.pgmcp.catalog.EnumType;
import io.pgmcp.catalog.RelationKind;
import io.pgmcp.catalog.TableInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The guard's rules one by one, on an in-memory catalog (the corpus tests run them on a real database). */
class SqlGuardTest {
    static final Catalog CATALOG = new Catalog("main", Instant.EPOCH, List.of("public", "internal"), List.of(
            table("public", "users", "id", "name", "email", "password_hash", "ssn"),
            table("public", "orders", "id", "user_id", "total", "status"),
            table("public", "pg_settings", "name"),
            table("public", "Mixed", "Id", "Secret"),
            table("internal", "audit", "id", "note")),
            List.of(new EnumType("public", "order_status", List.of("pending", "paid"))),
            Set.of("pg_class", "pg_settings", "pg_user"));

    static TableInfo table(String schema, String name, String... columns) {
        return new TableInfo(schema, name, RelationKind.TABLE, Optional.empty(), 1000,
                java.util.Arrays.stream(columns)
                        .map(c -> new ColumnInfo(c, "text", "text", true, Optional.empty(), c.equals("id"),
                                false, Optional.empty(), List.of(), Optional.empty()))
                        .toList(),
                List.of());
    }

    static SqlGuard guard(OnDenied onDenied, SelectStarPolicy star, List<String> functions) {
        AccessPolicyConfig defaults = AccessPolicyConfig.defaults();
        return new SqlGuard(
                new AccessPolicy(new AccessPolicyConfig(List.of("public"), new TableAccessConfig(List.of(), List.of()),
                        new ColumnAccessConfig(List.of("users.password_hash", "users.ssn"), List.of("*.secret*"),
                                onDenied, star),
                        defaults.explainPolicy(), new FunctionAccessConfig(functions))),
                "appdb");
    }

    static final SqlGuard GUARD = guard(OnDenied.REJECT, SelectStarPolicy.REJECT, List.of());

    static Verdict.Denied denied(String sql) {
        return assertInstanceOf(Verdict.Denied.class, GUARD.check(sql, CATALOG), sql);
    }

    static Verdict.Allowed allowed(String sql) {
        Verdict verdict = GUARD.check(sql, CATALOG);
        return assertInstanceOf(Verdict.Allowed.class, verdict, () -> sql + " -> " + verdict);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT u FROM users u", "SELECT u.* FROM users u", "SELECT row_to_json(u) FROM users u",
            "SELECT to_jsonb(u) FROM users u",
            "SELECT u::text FROM users u", "SELECT (u).ssn FROM users u", "SELECT count(u) FROM users u",
            "SELECT users FROM users",
            "SELECT format('%s', u) FROM users u", "SELECT x.c5 FROM users AS x(a, b, c, d, c5)",
            "SELECT id FROM users NATURAL JOIN orders",
            "SELECT id FROM users ORDER BY ssn", "SELECT id FROM users GROUP BY id, ssn",
            "SELECT id FROM users WHERE ssn LIKE '1%'",
            "SELECT id FROM users u JOIN orders o ON o.total::text = u.password_hash",
            "SELECT max(ssn) OVER (PARTITION BY id) FROM users",
            "SELECT name AS ssn FROM users ORDER BY ssn || ''", "SELECT array_agg(id ORDER BY ssn) FROM users",
            "SELECT (SELECT ssn FROM (SELECT 1 AS x) s) FROM users", "SELECT \"Secret\" FROM \"Mixed\"",
            "SELECT public.users.ssn FROM public.users",
            "SELECT appdb.public.users.ssn FROM appdb.public.users", "SELECT * FROM (SELECT * FROM users) t",
            "TABLE users",
            "SELECT id FROM users u JOIN orders o USING (id) WHERE u.ssn IS NULL", "SELECT U&\"\\0073sn\" FROM users"})
    void deniedColumnsCannotBeReachedAnyWay(String sql) {
        Verdict.Denied denied = denied(sql);
        assertEquals(Verdict.Reason.COLUMN_ACCESS_DENIED, denied.reason(), denied.message());
    }

    @Test
    void outputAliasInOrderByIsNotAnInputColumn() {
        allowed("SELECT name AS ssn FROM users ORDER BY ssn");
        // ...but in GROUP BY a bare name means the input column first, as in PostgreSQL
        denied("SELECT name AS ssn FROM users GROUP BY ssn");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT (SELECT ssn FROM orders ssn LIMIT 1) FROM users",
            "SELECT (SELECT count(ssn) FROM orders ssn) FROM users",
            "SELECT (SELECT (ssn).length FROM orders ssn LIMIT 1) FROM users",
            "SELECT (SELECT 1 FROM orders ssn ORDER BY ssn LIMIT 1) FROM users"})
    void aColumnOfAnEnclosingQueryWinsOverATableAliasOfTheSubquery(String sql) {
        // PostgreSQL looks for a column of that name in every enclosing level before it reads a bare name as a
        // whole row: here ssn is users.ssn, not the row of orders
        assertEquals(Verdict.Reason.COLUMN_ACCESS_DENIED, denied(sql).reason(), sql);
    }

    @Test
    void aBareTableNameIsAWholeRowOnlyWhenNoLevelHasSuchAColumn() {
        allowed("SELECT (SELECT count(o) FROM orders o) FROM users");
        allowed("SELECT name AS users FROM users GROUP BY users"); // GROUP BY: an output name before a whole row
        denied("SELECT (SELECT count(u) FROM orders o) FROM users u");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT (SELECT ssn FROM unnest(to_tsvector('a b')) AS ssn LIMIT 1) FROM users",
            "SELECT (SELECT ssn FROM unnest(ARRAY(SELECT o FROM orders o)) AS ssn LIMIT 1) FROM users",
            "SELECT (SELECT ssn[1] FROM unnest(ARRAY(SELECT o FROM orders o)) AS ssn LIMIT 1) FROM users",
            "SELECT (SELECT ssn FROM coalesce((SELECT o FROM orders o LIMIT 1)) AS ssn) FROM users"})
    void aPolymorphicFunctionInFromMayReturnARowWithoutTheColumnItsAliasNames(String sql) {
        // unnest(tsvector) yields (lexeme, positions, weights) and unnest(array of rows) the rows' columns: then
        // PostgreSQL reads ssn as users.ssn, not as the function's column
        assertEquals(Verdict.Reason.COLUMN_ACCESS_DENIED, denied(sql).reason(), sql);
    }

    @Test
    void aColumnAFunctionMayNotHaveIsNeitherQualifiedNorExpandedAsCertain() {
        allowed("SELECT t, upper(t) FROM orders o, unnest(ARRAY[o.status]) AS t");
        allowed("SELECT u.x FROM unnest(ARRAY[1, 2]) AS u(x)");
        // u.u on a row without a column u is PostgreSQL's functional notation u(u): a call of whatever function u is
        assertEquals(Verdict.Reason.COLUMN_ACCESS_DENIED, denied("SELECT u.u FROM unnest(ARRAY[1, 2]) AS u").reason());
        assertEquals(Verdict.Reason.COLUMN_ACCESS_DENIED,
                denied("SELECT (SELECT ssn FROM (SELECT * FROM unnest(ARRAY[1]) AS ssn) s) FROM users").reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT id %- 1 FROM orders", "SELECT id #! 1 FROM orders", "SELECT ! id FROM orders",
            "SELECT !!! 5", "SELECT id <=> 1 FROM orders", "SELECT id ^= 1 FROM orders", "SELECT id &&- 1 FROM orders",
            "SELECT % id FROM orders", "SELECT id FROM orders WHERE <> 5", "SELECT id FROM orders WHERE id = % 5",
            "SELECT 1 OPERATOR(pg_catalog.%-) 2"})
    void operatorsThatAreNoBuiltInOperatorAreRefused(String sql) {
        // PostgreSQL reads %- as one operator, which only a user-defined operator (any function) can be;
        // JSQLParser read it as % and a negation, and the guard let it run
        Verdict.Denied denied = denied(sql);
        assertEquals(Verdict.Reason.UNSAFE_SQL, denied.reason(), sql);
    }

    @Test
    void everyOperatorTheGuardLetsRunIsBuiltIn() {
        String chars = "~!@#^&|?+-*/%<>=";
        List<String> passed = new java.util.ArrayList<>();
        for (int a = 0; a < chars.length(); a++) {
            for (int b = -1; b < chars.length(); b++) {
                for (int c = -1; c < chars.length(); c++) {
                    String op = "" + chars.charAt(a) + (b < 0 ? "" : chars.charAt(b))
                            + (b < 0 || c < 0 ? "" : chars.charAt(c));
                    for (String sql : List.of("SELECT id " + op + " 2 FROM orders", "SELECT " + op + " id FROM orders",
                            "SELECT id FROM orders WHERE id = " + op + " 2")) {
                        if (GUARD.check(sql, CATALOG) instanceof Verdict.Allowed && !onlyBuiltInOperators(sql)) {
                            passed.add(sql);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), passed,
                "queries with an operator of no built-in name and arity that the guard allowed");
    }

    /** Whether every operator token of sql is a built-in operator where it stands (after SELECT, = or another operator: prefix). */
    private static boolean onlyBuiltInOperators(String sql) {
        List<Token> tokens;
        try {
            tokens = Lexer.tokenize(sql);
        } catch (LexerException e) {
            return true;
        }
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.kind() != TokenKind.OPERATOR || t.text().equals("*") && tokens.get(i - 1).isWord("select")) {
                continue;
            }
            boolean prefix = tokens.get(i - 1).kind() == TokenKind.OPERATOR || tokens.get(i - 1).isWord("select");
            Set<String> builtIn = prefix
                    ? ParserSpelling.BUILTIN_PREFIX_OPERATORS
                    : ParserSpelling.BUILTIN_BINARY_OPERATORS;
            if (!builtIn.contains(t.text()) && !(t.text().equals("!=") && !prefix)) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT (o).evil FROM orders o", "SELECT (ROW(1, 2)).evil",
            "SELECT (o.id).evil FROM orders o",
            "SELECT s.evil FROM (SELECT * FROM unnest(ARRAY(SELECT o FROM orders o)) AS u) s",
            "SELECT (x).evil FROM (SELECT o AS x FROM orders o) s", "SELECT ((SELECT o FROM orders o LIMIT 1)).evil"})
    void aFieldThatMayNotExistIsNotAWayToCallAFunction(String sql) {
        // PostgreSQL reads (x).f and s.f as the call f(x) when x has no field f: a user-defined f(anyelement)
        // in an allowed schema ran, outside the function allowlist
        assertInstanceOf(Verdict.Denied.class, GUARD.check(sql, CATALOG), sql);
    }

    @Test
    void knownFieldsOfRowsAndAllowedFunctionsOfRowsAreRead() {
        allowed("SELECT (o).id, (o).status FROM orders o");
        allowed("SELECT (x).id, (x).total FROM (SELECT o AS x FROM orders o) s ORDER BY 1");
        allowed("WITH w AS (SELECT o AS x FROM orders o) SELECT (w.x).status FROM w");
        allowed("SELECT (y).id FROM (SELECT o AS x FROM orders o) s(y)");
        allowed("SELECT (jsonb_each('{\"a\": 1}')).key");
        allowed("SELECT (o).row_to_json FROM orders o"); // row_to_json(o): an allowed function of the row
        denied("SELECT (x).ssn FROM (SELECT u AS x FROM users u) s");
    }

    @Test
    void cteShadowsATableOfTheSameName() {
        allowed("WITH users AS (SELECT 1 AS ssn) SELECT ssn FROM users");
        denied("WITH u AS (SELECT 1 AS x) SELECT ssn FROM users, u");
    }

    @Test
    void pgCatalogIsSearchedBeforeThePath() {
        // public.pg_settings exists, but PostgreSQL reads pg_catalog.pg_settings for the bare name
        assertEquals(Verdict.Reason.SCHEMA_ACCESS_DENIED, denied("SELECT name FROM pg_settings").reason());
        allowed("SELECT name FROM public.pg_settings");
    }

    @Test
    void tablesOutsideTheAllowedSchemasOrUnknownAreRefusedWithoutNamingHiddenOnes() {
        assertEquals(Verdict.Reason.SCHEMA_ACCESS_DENIED, denied("SELECT note FROM internal.audit").reason());
        Verdict.Denied unknown = denied("SELECT x FROM nosuch");
        assertEquals(Verdict.Reason.TABLE_ACCESS_DENIED, unknown.reason());
        assertFalse(unknown.message().contains("audit"), unknown.message());
        assertEquals(Verdict.Reason.UNSAFE_SQL, denied("SELECT id FROM otherdb.public.users").reason());
    }

    @Test
    void allowListsMatchNamesExactlyAsPostgresFoldsThem() {
        AccessPolicy policy = new AccessPolicy(new AccessPolicyConfig(List.of("public"),
                new TableAccessConfig(List.of("Users", "orders"),
                        List.of()),
                ColumnAccessConfig.defaults(), AccessPolicyConfig.defaults().explainPolicy(),
                new FunctionAccessConfig(List.of())));
        assertTrue(policy.schemaAllowed("public"));
        assertFalse(policy.schemaAllowed("PUBLIC"), "a quoted \"PUBLIC\" is another schema");
        assertTrue(policy.tableAllowed("public", "users"), "an unquoted Users in the config folds to users");
        assertFalse(policy.tableAllowed("public", "Users"), "the table \"Users\" was not allowed");
        assertTrue(policy.tableAllowed("public", "orders"));
    }

    @Test
    void unknownColumnsAreRefusedNotPassedToPostgres() {
        Verdict.Denied denied = denied("SELECT sn FROM users");
        assertEquals(Verdict.Reason.COLUMN_ACCESS_DENIED, denied.reason());
        assertTrue(denied.message().contains("sn"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT pg_sleep(1)", "SELECT set_config('a.b', 'c', false)", "SELECT nextval('s')",
            "SELECT pg_advisory_lock(1)", "SELECT * FROM pg_catalog.pg_read_file('x')", "SELECT 'users'::regclass",
            "SELECT lo_import('/etc/passwd')", "SELECT txid_current()", "SELECT pg_notify('a', 'b')",
            "SELECT query_to_xml('select 1', true, false, '')",
            "SELECT id FROM users FOR UPDATE", "SELECT id INTO t FROM users",
            "WITH d AS (DELETE FROM orders RETURNING id) SELECT id FROM d",
            "SELECT 1; SELECT 2", "DELETE FROM orders", "SELECT $1",
            "SELECT id FROM users WHERE id = 1 /* unterminated",
            "SELECT int4pl(id, 1) FROM users", "SELECT null::users",
            "SELECT id FROM orders o WINDOW w AS (ORDER BY pg_sleep(1))",
            "SELECT id FROM orders TABLESAMPLE SYSTEM (10) REPEATABLE (pg_advisory_lock(1))",
            "SELECT id FROM orders LIMIT pg_sleep(1)::int",
            "SELECT count(*) FILTER (WHERE pg_sleep(1) IS NULL) FROM orders",
            "SELECT id FROM orders GROUP BY GROUPING SETS ((pg_sleep(1)))",
            "SELECT id FROM orders ORDER BY pg_sleep(1)", "SELECT id FROM orders o JOIN LATERAL pg_sleep(1) s ON true",
            "SELECT (SELECT pg_sleep(1)) FROM orders", "SELECT id FROM orders WHERE id IN (SELECT txid_current())",
            "SELECT lag(id, pg_sleep(1)::int) OVER () FROM orders", "SELECT \"array\"(id) FROM orders",
            "SELECT array(id) FROM orders",
            "SELECT ARRAY(SELECT pg_sleep(1))", "SELECT 'x'::\"Text\"", "SELECT \"LOWER\"(name) FROM users",
            "SELECT id::\"INTEGER\" FROM orders", "SELECT id FROM orders HAVING max(pg_sleep(1)::text) IS NULL",
            "SELECT lower(name)(ssn) FROM users", "SELECT lower(name USING ssn) FROM users",
            "SELECT count(UNIQUE name) FROM users"})
    void unsafeSqlIsRefused(String sql) {
        assertEquals(Verdict.Reason.UNSAFE_SQL, denied(sql).reason(), sql);
    }

    @Test
    void configuredFunctionsAreAllowed() {
        SqlGuard withFunction = guard(OnDenied.REJECT, SelectStarPolicy.REJECT, List.of("public.business_days"));
        assertInstanceOf(Verdict.Allowed.class,
                withFunction.check("SELECT public.business_days(id) FROM orders", CATALOG));
        assertInstanceOf(Verdict.Denied.class, withFunction.check("SELECT business_days(id) FROM orders", CATALOG),
                "a schema-qualified entry allows only the qualified call");
    }

    @Test
    void executableSqlIsTheNormalisedText() {
        Verdict.Allowed allowed = allowed("SELECT id, E'a\\'b' AS s FROM orders -- trailing comment\n;");
        assertEquals("SELECT id, 'a''b' AS s FROM orders", allowed.sql().strip());
        assertFalse(allowed.rewritten());
    }

    @Test
    void expandSafeRewritesStarToTheAllowedColumns() {
        SqlGuard expand = guard(OnDenied.REJECT, SelectStarPolicy.EXPAND_SAFE, List.of());
        Verdict.Allowed allowed = assertInstanceOf(Verdict.Allowed.class,
                expand.check("SELECT * FROM users WHERE name <> 'it''s' LIMIT 5", CATALOG));
        assertTrue(allowed.rewritten());
        assertEquals("SELECT users.id, users.name, users.email FROM users WHERE name <> 'it''s' LIMIT 5",
                allowed.sql());
        assertFalse(allowed.warnings().isEmpty());
        Verdict.Allowed joined = assertInstanceOf(Verdict.Allowed.class,
                expand.check("SELECT u.*, o.total FROM users u JOIN orders o ON o.user_id = u.id", CATALOG));
        assertEquals("SELECT u.id, u.name, u.email, o.total FROM users u JOIN orders o ON o.user_id = u.id",
                joined.sql());
        assertInstanceOf(Verdict.Denied.class, expand.check("SELECT *, ssn FROM users", CATALOG),
                "an explicit denied column still fails");
    }

    @Test
    void filterDropsDeniedColumnsOnlyFromTheSelectList() {
        SqlGuard filter = guard(OnDenied.FILTER, SelectStarPolicy.REJECT, List.of());
        Verdict.Allowed allowed = assertInstanceOf(Verdict.Allowed.class,
                filter.check("SELECT id, ssn, name FROM users", CATALOG));
        assertEquals("SELECT id, name FROM users", allowed.sql());
        assertTrue(allowed.rewritten());
        assertInstanceOf(Verdict.Denied.class, filter.check("SELECT id FROM users WHERE ssn = '1'", CATALOG));
        assertInstanceOf(Verdict.Denied.class, filter.check("SELECT ssn FROM users", CATALOG), "nothing would be left");
    }

    @Test
    void ordinaryAnalyticsIsAllowed() {
        allowed("SELECT status, count(*) FILTER (WHERE total > 10), sum(total) FROM orders GROUP BY status ORDER BY 2 DESC LIMIT 5");
        allowed("SELECT 'paid'::order_status, id FROM orders WHERE status = 'paid'");
        allowed("SELECT g, count(o.id) FROM generate_series(1, 5) AS g LEFT JOIN orders o ON o.id = g GROUP BY g");
        allowed("SELECT x.key, x.value FROM orders o, jsonb_each(to_jsonb(o)) AS x");
        allowed("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n FROM r");
        allowed("SELECT current_date, now() - interval '1 day', extract(year FROM now())");
        allowed("VALUES (1, 'a'), (2, 'b')");
        allowed("SELECT ARRAY(SELECT id FROM orders ORDER BY id) AS ids");
        allowed("SELECT CAST(total AS DOUBLE PRECISION), id::TEXT, id::\"int4\", created::timestamp WITH TIME ZONE "
                + "FROM (SELECT id, total, now() AS created FROM orders) o");
        allowed("SELECT \"Id\" FROM \"Mixed\"");
        allowed("SELECT LOWER(name), \"upper\"(email), pg_catalog.length(name) FROM users");
    }
}
