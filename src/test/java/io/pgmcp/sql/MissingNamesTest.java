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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Names that do not exist and names that may not be read: refused alike — no oracle — and with the
 * nearest names the caller may see, never a hidden one.
 */
class MissingNamesTest {
    static SqlGuard guard(List<String> deniedTables, OnDenied onDenied) {
        AccessPolicyConfig defaults = AccessPolicyConfig.defaults();
        return new SqlGuard(new AccessPolicy(
                new AccessPolicyConfig(List.of("public"), new TableAccessConfig(List.of(), deniedTables),
                        new ColumnAccessConfig(List.of("users.password_hash", "users.ssn"), List.of("*.secret*"),
                                onDenied, SelectStarPolicy.REJECT),
                        defaults.explainPolicy(), new FunctionAccessConfig(List.of()))),
                "appdb");
    }

    static final SqlGuard GUARD = guard(List.of(), OnDenied.REJECT);

    static Verdict.Denied denied(SqlGuard guard, String sql) {
        return assertInstanceOf(Verdict.Denied.class, guard.check(sql, SqlGuardTest.CATALOG), sql);
    }

    @Test
    void aMisspeltColumnGetsTheNearestAllowedColumn() {
        Verdict.Denied denied = denied(GUARD, "SELECT statuss, total FROM orders");
        assertEquals(Verdict.Reason.COLUMN_ACCESS_DENIED, denied.reason());
        assertEquals("Column statuss does not exist or may not be read; did you mean status? "
                + "Name only the allowed columns (see the schema resource).", denied.message());
        assertEquals(Map.of("statuss", List.of("status")),
                assertInstanceOf(RefusalDetails.DeniedColumns.class, denied.details()).suggestions());
        Verdict.Denied qualified = denied(GUARD, "SELECT o.totl FROM orders o JOIN users u ON u.id = o.user_id");
        assertTrue(
                qualified.message().startsWith("Column o.totl does not exist or may not be read; did you mean total?"),
                qualified.message());
        Verdict.Denied two = denied(GUARD, "SELECT nmae, emial FROM users");
        assertTrue(two.message().startsWith("Column nmae does not exist or may not be read; did you mean name? "
                + "Column emial does not exist or may not be read; did you mean email?"), two.message());
    }

    @Test
    void aMisspeltTableGetsTheNearestTableInsteadOfTheListOfAll() {
        Verdict.Denied denied = denied(GUARD, "SELECT id FROM ordrs");
        assertEquals(Verdict.Reason.TABLE_ACCESS_DENIED, denied.reason());
        assertEquals("Table ordrs does not exist or may not be read; did you mean orders?", denied.message());
        RefusalDetails.DeniedTables tables = assertInstanceOf(RefusalDetails.DeniedTables.class, denied.details());
        assertEquals(Map.of("ordrs", List.of("orders")), tables.suggestions());
        assertEquals(Optional.empty(), tables.availableTables());
        Verdict.Denied far = denied(GUARD, "SELECT id FROM invoices");
        assertEquals(
                "Table invoices does not exist or may not be read. Available tables: \"Mixed\", orders, pg_settings, users.",
                far.message());
    }

    @Test
    void aLongListOfTablesIsCut() {
        List<String> visible = new java.util.ArrayList<>();
        for (int i = 0; i < 45; i++) {
            visible.add("t" + i);
        }
        Findings findings = new Findings();
        findings.table("zzz_unknown", List.of());
        String message = findings.verdict(visible).message();
        assertTrue(message.endsWith(", t19, and 25 more (see the schema resource)."), message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SELECT ssn FROM users                              | SELECT nosuch FROM users",
            "SELECT u.ssn FROM users u                          | SELECT u.nosuch FROM users u",
            "SELECT public.users.ssn FROM public.users          | SELECT public.users.nosuch FROM public.users",
            "SELECT id FROM users WHERE ssn = '1'               | SELECT id FROM users WHERE nosuch = '1'",
            "SELECT u.id FROM users u JOIN orders o USING (ssn) | SELECT u.id FROM users u JOIN orders o USING (nosuch)",
            "SELECT \"Secret\" FROM \"Mixed\"                   | SELECT \"Nosuch\" FROM \"Mixed\""})
    void aDeniedColumnAndANonexistentOneReadAlike(String deniedSql, String missingSql) {
        Verdict.Denied hidden = denied(GUARD, deniedSql);
        Verdict.Denied missing = denied(GUARD, missingSql);
        String deniedName = deniedSql.contains("Secret") ? "Secret" : "ssn";
        String missingName = deniedSql.contains("Secret") ? "Nosuch" : "nosuch";
        assertEquals(missing.reason(), hidden.reason());
        assertEquals(missing.message(), hidden.message().replace(deniedName, missingName));
        assertEquals(missing.details().toString(), hidden.details().toString().replace(deniedName, missingName));
    }

    @Test
    void aDeniedTableAndANonexistentOneReadAlike() {
        SqlGuard guard = guard(List.of("users"), OnDenied.REJECT);
        for (String[] pair : new String[][]{{"SELECT id FROM users", "SELECT id FROM nosch"},
                {"SELECT id FROM public.users", "SELECT id FROM public.nosch"},
                {"SELECT id FROM usrs", "SELECT id FROM nsch"}}) {
            Verdict.Denied hidden = denied(guard, pair[0]);
            Verdict.Denied missing = denied(guard, pair[1]);
            String hiddenName = pair[0].substring(pair[0].lastIndexOf(' ') + 1).replace("public.", "");
            String missingName = pair[1].substring(pair[1].lastIndexOf(' ') + 1).replace("public.", "");
            assertEquals(Verdict.Reason.TABLE_ACCESS_DENIED, hidden.reason());
            assertEquals(missing.message(), hidden.message().replace(hiddenName, missingName), pair[0]);
            assertEquals(missing.details().toString(), hidden.details().toString().replace(hiddenName, missingName));
            assertFalse(hidden.message().contains("users") && !pair[0].contains("users"), hidden.message());
        }
    }

    @Test
    void aMisspellingNearADeniedNameNeverSuggestsIt() {
        for (String sql : List.of("SELECT ssm FROM users", "SELECT sn FROM users", "SELECT password_has FROM users",
                "SELECT u.ssm FROM users u", "SELECT id FROM users JOIN orders USING (ssm)",
                "SELECT \"Secrets\" FROM \"Mixed\"")) {
            Verdict.Denied denied = denied(GUARD, sql);
            String text = denied.message() + denied.details();
            assertFalse(text.contains("ssn") || text.contains("password_hash") || text.contains("\"Secret\""),
                    sql + ": " + text);
        }
        Verdict.Denied table = denied(guard(List.of("users"), OnDenied.REJECT), "SELECT id FROM user");
        assertFalse((table.message() + table.details()).contains("users"), table.message());
    }

    @Test
    void onDeniedFilterDropsAMissingColumnLikeADeniedOne() {
        SqlGuard filter = guard(List.of(), OnDenied.FILTER);
        Verdict.Allowed hidden = assertInstanceOf(Verdict.Allowed.class,
                filter.check("SELECT id, ssn, name FROM users", SqlGuardTest.CATALOG));
        Verdict.Allowed missing = assertInstanceOf(Verdict.Allowed.class,
                filter.check("SELECT id, nosuch, name FROM users", SqlGuardTest.CATALOG));
        assertEquals(hidden.sql(), missing.sql());
        assertEquals(List.of(
                "Removed column(s) that do not exist or may not be read from the select list (on_denied: filter): nosuch"),
                missing.warnings());
        assertEquals(missing.warnings(), hidden.warnings().stream().map(w -> w.replace("ssn", "nosuch")).toList());
    }
}
