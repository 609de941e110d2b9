package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.testing.SetupScript;
import io.pgmcp.testing.RoundTripProxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A call with a role runs every statement as that role ({@code SET LOCAL ROLE} in the read-only transaction):
 * row-level security and grants are the role's; the role is gone when the call ends, on the same pooled
 * connection; a role the login role cannot assume fails the call before anything runs, never falling back to the
 * login role. The login role here is not a superuser, as in production.
 */
@Timeout(60)
class RoleExecutionTest {
    private static final String LOGIN = "roleexec_login";
    private static final String ALICE = "roleexec_alice";
    private static final String BOB = "roleexec_bob";
    private static final String STRANGER = "roleexec_stranger";
    /** A name that needs quotes: capitals, a space and a double quote. */
    private static final String QUOTED = "RoleExec Mixed \"Q\"";

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql(SetupScript.rolesIfMissing("roleexec_alice",
            "roleexec_bob", "roleexec_stranger", "RoleExec Mixed \"Q\"") + """
                    CREATE TABLE notes (owner text, body text);
                    INSERT INTO notes VALUES ('roleexec_alice', 'a1'), ('roleexec_bob', 'b1'), ('roleexec_bob', 'b2'),
                      ('RoleExec Mixed "Q"', 'q1');
                    ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
                    CREATE POLICY own_rows ON notes USING (owner = current_user);
                    CREATE TABLE payroll (id int, amount numeric);
                    GRANT SELECT ON notes TO roleexec_alice, roleexec_bob, "RoleExec Mixed ""Q""\", roleexec_stranger;
                    """);

    private static Database database;

    @BeforeAll
    static void open() throws Exception {
        db.get().createRole(LOGIN, "pw", "GRANT roleexec_alice, roleexec_bob, \"RoleExec Mixed \"\"Q\"\"\" TO " + LOGIN,
                "GRANT SELECT ON notes, payroll TO " + LOGIN);
        database = login(db.get().postgresUrl(LOGIN, "pw"));
    }

    @AfterAll
    static void close() {
        database.close();
    }

    /** One connection, so that every call below is on the same session. */
    private static Database login(String url) {
        DatabaseConfig config = DatabaseConfig.of("roles", ConnectionTarget.parse(url));
        return new Database("roles",
                new ConnectionPool(PoolFixture.settings("roles", 0, 1, Duration.ofSeconds(10)),
                        new PgConnectionFactory(config, Duration.ofSeconds(30)), Ticker.system()),
                PoolFixture.defaults("roles"));
    }

    private static ExecutionLimits as(Optional<String> role) {
        return new ExecutionLimits(100, 1 << 20, Duration.ofSeconds(30), List.of("public"), role);
    }

    private static List<String> column(ResultTable table) {
        List<String> values = new ArrayList<>();
        table.rows().forEach(row -> values.add(String.valueOf(row.get(0))));
        return values;
    }

    private static String currentUser(Database on) throws DatabaseException {
        return column(on.query("SELECT current_user::text", as(Optional.empty()), CancelSignal.NONE)).getFirst();
    }

    @Test
    void eachRoleReadsTheRowsItsPoliciesLetItAndTheRoleEndsWithTheCall() throws Exception {
        String sql = "SELECT body FROM notes ORDER BY body";
        long pid = backendPid();
        assertEquals(List.of("a1"), column(database.query(sql, as(Optional.of(ALICE)), CancelSignal.NONE)));
        assertEquals(LOGIN, currentUser(database), "the role is gone after the call");
        assertEquals(List.of("b1", "b2"), column(database.query(sql, as(Optional.of(BOB)), CancelSignal.NONE)));
        assertEquals(LOGIN, currentUser(database), "the role is gone after the call");
        assertEquals(List.of(), column(database.query(sql, as(Optional.empty()), CancelSignal.NONE)),
                "the login role owns no rows: row-level security hides them all");
        assertEquals(pid, backendPid(), "all on the one pooled connection");
    }

    @Test
    void aRoleNameThatNeedsQuotesIsAssumedExactly() throws Exception {
        assertEquals(List.of(QUOTED), column(database.query("SELECT current_user::text", as(Optional.of(QUOTED)),
                CancelSignal.NONE)));
        assertEquals(List.of("q1"),
                column(database.query("SELECT body FROM notes", as(Optional.of(QUOTED)), CancelSignal.NONE)));
    }

    @Test
    void aRoleTheLoginRoleMayNotAssumeFailsTheCallBeforeAnythingRuns() throws Exception {
        for (String role : List.of(STRANGER, "roleexec_no_such_role", ALICE.toUpperCase(java.util.Locale.ROOT))) {
            RoleUnavailableException e = assertThrows(RoleUnavailableException.class,
                    () -> database.query("SELECT body FROM notes", as(Optional.of(role)), CancelSignal.NONE), role);
            assertEquals(role, e.role());
            assertTrue(e.getMessage().startsWith("the configured role \"" + role + "\" could not be assumed"),
                    e.getMessage());
            assertTrue(List.of("42501", "22023").contains(e.failure().sqlState()), e.failure().toString());
            assertThrows(RoleUnavailableException.class, () -> database.explain("SELECT body FROM notes",
                    Duration.ofSeconds(5), List.of("public"), Optional.of(role)), role);
            assertThrows(RoleUnavailableException.class, () -> database.read(Duration.ofSeconds(5), List.of("public"),
                    Optional.of(role), session -> {
                        session.execute("SELECT 1");
                        return null;
                    }), role);
            assertEquals(LOGIN, currentUser(database), "the connection is clean after the refusal");
        }
        assertEquals(new PoolStats(1, 1, 0, 0), awaitedStats(), "a refused role is no reason to close the connection");
    }

    @Test
    void thePlanAndReadsOnTheCallersBehalfAreMadeAsTheRole() throws Exception {
        DatabaseException denied = assertThrows(DatabaseException.class, () -> database.explain("SELECT * FROM payroll",
                Duration.ofSeconds(5), List.of("public"), Optional.of(ALICE)));
        assertEquals("42501", denied.failure().sqlState(), "alice may not read payroll, even to plan it");
        assertTrue(!(denied instanceof RoleUnavailableException), denied.toString());
        assertInstanceOf(PlanNode.class, database.explain("SELECT * FROM payroll", Duration.ofSeconds(5),
                List.of("public"), Optional.empty()));
        assertEquals(BOB, database.read(Duration.ofSeconds(5), List.of("public"), Optional.of(BOB),
                session -> {
                    List<String> user = new ArrayList<>();
                    session.query("SELECT current_user::text", List.of(), 0, row -> user.add(row.text(1)));
                    return user.getFirst();
                }));
        assertEquals(LOGIN, currentUser(database));
    }

    @Test
    void setRoleNoneEvenQuotedMeansTheSessionUserSoNoneCannotBeARoleName() throws Exception {
        try (Connection connection = db.get().connect(LOGIN, "pw");
                Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("SET LOCAL ROLE \"none\"");
            try (ResultSet rs = statement.executeQuery("SELECT current_user::text")) {
                rs.next();
                assertEquals(LOGIN, rs.getString(1), "PostgreSQL reads the quoted name 'none' as NONE");
            }
            connection.rollback();
        }
    }

    @Test
    void aCallWithARoleTakesOneRoundTripMoreForItsSetup() throws Exception {
        try (RoundTripProxy proxy = RoundTripProxy.to(db.get());
                Database counted = login(
                        proxy.postgresUrl(db.get()).replaceFirst("^postgresql://[^@]*@",
                                "postgresql://" + LOGIN + ":pw@"))) {
            String sql = "SELECT body FROM notes WHERE body = 'b1'";
            for (Optional<String> role : List.of(Optional.<String>empty(), Optional.of(BOB))) {
                counted.query(sql, as(role), CancelSignal.NONE); // warm: the connection and its column metadata
                assertTrue(counted.awaitIdle(Duration.ofSeconds(10)));
                proxy.reset();
                counted.query(sql, as(role), CancelSignal.NONE);
                assertTrue(counted.awaitIdle(Duration.ofSeconds(10)));
                int expected = role.isPresent() ? 3 : 2;
                System.out.println("round trips of a query call " + (role.isPresent() ? "with" : "without")
                        + " a role: " + proxy.roundTrips());
                assertEquals(expected, proxy.roundTrips(), proxy.sent().toString());
                assertEquals(role.isPresent(),
                        proxy.sent().stream().anyMatch(s -> s.contains("SET LOCAL ROLE \"roleexec_bob\"")),
                        proxy.sent().toString());
            }
        }
    }

    private static long backendPid() throws DatabaseException {
        return Long.parseLong(column(database.query("SELECT pg_backend_pid()", as(Optional.empty()),
                CancelSignal.NONE)).getFirst());
    }

    private static PoolStats awaitedStats() throws InterruptedException {
        assertTrue(database.awaitIdle(Duration.ofSeconds(10)));
        return database.poolStats();
    }
}
