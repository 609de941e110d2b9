package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The function allowlist against the real catalog: every function of PostgreSQL's {@code pg_catalog}
 * is either allowed ({@code functions.txt}) or refused with a reason ({@code functions-excluded.txt}),
 * never both and never neither; so a function a new PostgreSQL adds is noticed, not silently refused
 * or allowed.
 */
class FunctionCatalogTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql();

    /** Allowed names that are no pg_catalog function of this server: syntax, or functions of later versions. */
    private static final Set<String> NOT_IN_PG_PROC = Set.of("coalesce", "greatest", "least", "nullif", "any_value",
            "array_sample", "array_shuffle", "casefold", "erf", "erfc", "uuid_extract_timestamp",
            "uuid_extract_version");

    static Set<String> builtins;

    @BeforeAll
    static void readCatalog() throws SQLException {
        builtins = names("SELECT DISTINCT proname FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace");
        assertTrue(builtins.size() > 2_000, "too few built-in functions: " + builtins.size());
    }

    private static Set<String> names(String sql) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (Connection c = db.get().connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    @Test
    void everyBuiltInFunctionIsAllowedOrExcludedWithAReason() {
        List<String> unclassified = new ArrayList<>();
        List<String> both = new ArrayList<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (String name : builtins) {
            boolean allowed = FunctionAllowlist.builtins().contains(name);
            var exclusion = FunctionAllowlist.exclusion(name);
            if (allowed && exclusion.isPresent()) {
                both.add(name + " (" + exclusion.get().name().glob() + ")");
            } else if (!allowed && exclusion.isEmpty()) {
                unclassified.add(name);
            }
            counts.merge(allowed ? "allowed" : exclusion.map(FunctionAllowlist.Exclusion::category).orElse("?"), 1,
                    Integer::sum);
        }
        assertEquals(List.of(), unclassified,
                "built-in functions neither in functions.txt nor in functions-excluded.txt");
        assertEquals(List.of(), both, "allowed functions that functions-excluded.txt also refuses");
        System.out.println("pg_catalog functions: " + builtins.size() + " " + counts);
    }

    @Test
    void everyExclusionEntryNamesARealFunction() {
        List<String> dead = new ArrayList<>();
        for (FunctionAllowlist.Exclusion exclusion : FunctionAllowlist.exclusions()) {
            if (builtins.stream().noneMatch(exclusion.name()::matches)) {
                dead.add(exclusion.name().glob());
            }
        }
        assertEquals(List.of(), dead, "entries of functions-excluded.txt that match no function of pg_catalog");
    }

    /** The lookup by name (a map, read on first use) answers what a walk through the file in order would. */
    @Test
    void anExclusionIsTheFirstExactEntryElseTheFirstMatchingPattern() {
        List<FunctionAllowlist.Exclusion> all = FunctionAllowlist.exclusions();
        for (String name : builtins) {
            var expected = all.stream().filter(e -> !e.name().glob().contains("*") && e.name().matches(name))
                    .findFirst()
                    .or(() -> all.stream().filter(e -> e.name().glob().contains("*") && e.name().matches(name))
                            .findFirst());
            assertEquals(expected, FunctionAllowlist.exclusion(name), name);
            assertEquals(expected, FunctionAllowlist.exclusion(name.toUpperCase(java.util.Locale.ROOT)), name);
        }
    }

    @Test
    void everyAllowedNameIsARealFunctionOrKnownSyntax() {
        Set<String> unknown = new TreeSet<>(FunctionAllowlist.builtins());
        unknown.removeAll(builtins);
        assertEquals(NOT_IN_PG_PROC, unknown, "allowed names that are no pg_catalog function (typo?)");
    }

    @Test
    void noAllowedFunctionReadsFilesOrSettingsOrRunsSql() {
        // the reviewed dangers stay out whatever else is added to functions.txt
        for (String name : List.of("pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "lo_import",
                "lo_export",
                "current_setting", "set_config", "pg_sleep", "query_to_xml", "table_to_xml", "ts_stat", "ts_rewrite",
                "nextval",
                "currval", "setval", "txid_current", "pg_current_xact_id", "pg_notify", "pg_advisory_lock",
                "pg_terminate_backend",
                "pg_cancel_backend", "pg_reload_conf", "pg_relation_size", "pg_total_relation_size",
                "has_table_privilege",
                "to_regclass", "pg_get_viewdef", "pg_stat_get_activity", "dblink", "pg_logical_slot_peek_changes")) {
            assertFalse(FunctionAllowlist.builtins().contains(name), name + " must not be allowed");
        }
        assertTrue(FunctionAllowlist.exclusion("pg_sleep").isPresent());
    }

    @Test
    void theSkeletonsOperatorListsArePostgresOperators() throws SQLException {
        Set<String> binary = names(
                "SELECT DISTINCT oprname FROM pg_operator WHERE oprnamespace = 'pg_catalog'::regnamespace AND oprleft <> 0");
        assertEquals(binary, new TreeSet<>(ParserSpelling.BUILTIN_BINARY_OPERATORS));
        Set<String> prefix = names(
                "SELECT DISTINCT oprname FROM pg_operator WHERE oprnamespace = 'pg_catalog'::regnamespace AND oprleft = 0");
        assertEquals(prefix, new TreeSet<>(ParserSpelling.BUILTIN_PREFIX_OPERATORS));
    }

    /**
     * {@link FunctionColumns} against {@code pg_proc}: an allowed built-in with OUT parameters yields them
     * (every overload the same), one that may return a row type (a polymorphic element type, or a row
     * beside other overloads) is polymorphic, one returning {@code record} alone needs a column list, and
     * every other one is of a base type and yields one column. (Aggregates and window functions cannot
     * stand in FROM.)
     */
    @Test
    void theColumnsOfBuiltInFunctionsInFromAreThoseOfPgProc() throws SQLException {
        Map<String, Set<String>> shapes = new TreeMap<>();
        String sql = """
                SELECT p.proname, p.prorettype::regtype::text, t.typtype,
                       (SELECT string_agg(a.name, ',' ORDER BY a.n) FROM unnest(p.proargnames, p.proargmodes)
                               WITH ORDINALITY AS a(name, mode, n) WHERE a.mode IN ('o', 'b', 't'))
                FROM pg_proc p JOIN pg_type t ON t.oid = p.prorettype
                WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.prokind = 'f'""";
        try (Connection c = db.get().connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                String name = rs.getString(1);
                if (!FunctionAllowlist.builtins().contains(name)) {
                    continue;
                }
                String returns = rs.getString(2);
                String out = rs.getString(4);
                String shape = out != null
                        ? "named:" + out
                        : Set.of("anyelement", "anynonarray", "anycompatible", "anycompatiblenonarray")
                                .contains(returns)
                                || rs.getString(3).equals("c") ? "row" : returns.equals("record") ? "record" : "scalar";
                shapes.computeIfAbsent(name, n -> new TreeSet<>()).add(shape);
            }
        }
        List<String> wrong = new ArrayList<>();
        shapes.forEach((name, kinds) -> {
            String expected;
            if (kinds.size() == 1 && kinds.iterator().next().startsWith("named:")) {
                expected = "NAMED " + kinds.iterator().next().substring(6);
            } else if (kinds.contains("row") || kinds.size() > 1 && kinds.stream().anyMatch(k -> !k.equals("scalar"))) {
                expected = "POLYMORPHIC";
            } else if (kinds.equals(Set.of("record"))) {
                expected = "RECORD";
            } else {
                expected = "SCALAR";
            }
            String actual = FunctionColumns.NAMED_OUTPUTS.containsKey(name)
                    ? "NAMED " + String.join(",", FunctionColumns.NAMED_OUTPUTS.get(name))
                    : FunctionColumns.POLYMORPHIC_OUTPUTS.contains(name)
                            ? "POLYMORPHIC"
                            : FunctionColumns.RECORD_OUTPUTS.contains(name) ? "RECORD" : "SCALAR";
            if (!expected.equals(actual)) {
                wrong.add(name + " " + kinds + ": " + actual + ", should be " + expected);
            }
        });
        assertEquals(List.of(), wrong, "FunctionColumns disagrees with pg_proc");
        for (String syntax : Set.of("coalesce", "greatest", "least", "nullif")) {
            assertTrue(FunctionColumns.POLYMORPHIC_OUTPUTS.contains(syntax),
                    syntax + " has its arguments' type, maybe a row");
        }
    }
}
