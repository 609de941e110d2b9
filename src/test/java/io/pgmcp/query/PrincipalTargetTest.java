package io.pgmcp.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.PolicyOverlay;
import io.pgmcp.config.PrincipalDatabase;
import io.pgmcp.config.ServerConfig;
import io.pgmcp.db.CancelSignal;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.testing.SetupScript;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Targets built for principals over one database: they share its pool and catalog, but each checks SQL with
 * its own narrowed policy and runs the plan and the query as its own role, so that row-level security gives
 * each caller its own rows through the whole pipeline.
 */
class PrincipalTargetTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql(SetupScript.rolesIfMissing("principaltarget_alice",
            "principaltarget_bob")
            + """
                    CREATE TABLE notes (id int PRIMARY KEY, owner text, body text, secret text);
                    INSERT INTO notes VALUES (1, 'principaltarget_alice', 'a1', 's'), (2, 'principaltarget_bob', 'b1', 's'),
                      (3, 'principaltarget_bob', 'b2', 's');
                    ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
                    CREATE POLICY own_rows ON notes USING (owner = current_user);
                    GRANT SELECT ON notes TO principaltarget_alice, principaltarget_bob;
                    """);

    private static final ServerConfig SERVER = ServerConfig.defaults();
    private static Target base;

    @BeforeAll
    static void open() {
        DatabaseConfig config = DatabaseConfig.of("main", ConnectionTarget.parse(db.get().postgresUrl()));
        base = Targets.create(new DatabaseConfig("main", config.target(), 0, 2, config.accessPolicy()), SERVER,
                new CatalogLoader(Clock.systemUTC()), Ticker.system());
    }

    @AfterAll
    static void close() {
        base.database().close();
    }

    private static Target principal(Optional<String> role, PolicyOverlay overlay) {
        AccessPolicyConfig effective = overlay.applyTo(base.config().accessPolicy(), "main");
        return Target.forPrincipal(base, new PrincipalDatabase("main", role, effective), Ticker.system());
    }

    private static QueryOutcome run(Target target, String sql) {
        return new QueryPipeline(new DatabaseRouter(List.of(target)), SERVER).executeSql(sql, Optional.empty(), null,
                CancelSignal.NONE, QueryPipeline.Progress.NONE);
    }

    private static List<Object> bodies(QueryOutcome outcome) {
        QueryOutcome.Success success = assertInstanceOf(QueryOutcome.Success.class, outcome, outcome.toString());
        List<Object> values = new ArrayList<>();
        success.result().orElseThrow().rows().forEach(row -> values.add(row.get(0)));
        return values;
    }

    @Test
    void twoRolesReadTheirOwnRowsThroughThePipeline() {
        Target alice = principal(Optional.of("principaltarget_alice"), PolicyOverlay.none());
        Target bob = principal(Optional.of("principaltarget_bob"), PolicyOverlay.none());
        String sql = "SELECT body FROM notes ORDER BY body";

        assertEquals(List.of("a1"), bodies(run(alice, sql)));
        assertEquals(List.of("b1", "b2"), bodies(run(bob, sql)));
        assertEquals(List.of("a1", "b1", "b2"), bodies(run(base, sql)), "the login role (the table's owner) reads all");
        assertEquals(List.of("principaltarget_bob"), bodies(run(bob, "SELECT current_user::text")));
    }

    @Test
    void aPrincipalsTargetSharesTheDatabaseAndCatalogButHasItsOwnPolicyAndPlans() {
        Target narrowed = principal(Optional.empty(), new PolicyOverlay(Optional.empty(), Optional.empty(), List.of(),
                List.of("notes.secret"), List.of()));
        assertSame(base.database(), narrowed.database());
        assertSame(base.catalog(), narrowed.catalog());
        assertNotSame(base.plans(), narrowed.plans());
        assertEquals(Optional.empty(), narrowed.role());

        QueryOutcome.Failure refused = assertInstanceOf(QueryOutcome.Failure.class,
                run(narrowed, "SELECT secret FROM notes"));
        assertEquals(ErrorCode.COLUMN_ACCESS_DENIED, refused.code(), refused.message());
        assertEquals(List.of("s", "s", "s"), bodies(run(base, "SELECT secret FROM notes")),
                "the database's own policy is untouched");
    }

    @Test
    void aRoleThatCannotBeAssumedIsAConfigurationErrorThatDoesNotNameIt() {
        Target missing = principal(Optional.of("principaltarget_nobody"), PolicyOverlay.none());
        QueryOutcome.Failure failure = assertInstanceOf(QueryOutcome.Failure.class,
                run(missing, "SELECT body FROM notes"));
        assertEquals(ErrorCode.CONFIGURATION_ERROR, failure.code(), failure.message());
        assertFalse(failure.message().contains("principaltarget_nobody"), failure.message());
        assertEquals("pg-mcp could not assume the PostgreSQL role configured for this caller on database 'main'"
                + " (SQLSTATE 22023), so nothing ran. An administrator must create the role and grant it to pg-mcp's"
                + " login role, or correct the principals configuration.", failure.message());
    }

    @Test
    void aPrincipalEntryForAnotherDatabaseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Target.forPrincipal(base,
                new PrincipalDatabase("other", Optional.empty(), base.config().accessPolicy()), Ticker.system()));
    }
}
