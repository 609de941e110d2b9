package io.pgmcp.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgmcp.config.ConfigLoader;
import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.db.Availability;
import io.pgmcp.db.CancelSignal;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.sql.AccessPolicy;
import io.pgmcp.sql.GuardCorpus;
import io.pgmcp.sql.LeastPrivilegeGrants;
import io.pgmcp.sql.Verdict;
import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Defence in depth, proven: the {@code --print-grants} SQL is applied to the corpus database, pg-mcp
 * connects as that role, and the guard is switched off (every SQL is "allowed"). Every corpus case
 * must still leave the database unchanged and return no denied data (no password hash, SSN, credential
 * or internal note), and every allowed case must still be answered. What the role cannot hide —
 * catalogue metadata such as table names in pg_class, readable by PUBLIC in PostgreSQL — is the
 * guard's job alone; this test does not claim it.
 */
class GrantsDefenceTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withScripts(GuardCorpus.SCHEMA);

    private static final String ROLE = "grantsdefence_reader";
    private static final String PASSWORD = "grants-defence-pw";
    private static final String FINGERPRINT = """
            SELECT concat_ws(' | ',
              (SELECT string_agg(n.nspname || '.' || c.relname, ',' ORDER BY 1) FROM pg_class c
                 JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'internal')),
              (SELECT sum(hashtext(u::text)) FROM public.users u), (SELECT sum(hashtext(o::text)) FROM public.orders o),
              (SELECT sum(hashtext(p::text)) FROM public.products p), (SELECT count(*) FROM public.user_credentials),
              (SELECT count(*) FROM internal.audit),
              (SELECT string_agg(sequencename || '=' || coalesce(last_value::text, '-'), ',' ORDER BY 1) FROM pg_sequences),
              (SELECT count(*) FROM pg_replication_slots), (SELECT count(*) FROM pg_largeobject_metadata),
              (SELECT count(*) FROM pg_file_settings WHERE sourcefile LIKE '%auto.conf'))""";

    static String grants;
    static Target target;
    static QueryPipeline pipeline;
    static Connection owner;
    static final Set<String> secrets = new HashSet<>();
    static volatile String tookItDown = "";

    @BeforeAll
    static void applyGrantsAndSwitchTheGuardOff() throws Exception {
        TestDatabase database = db.get();
        owner = database.connect();
        PgMcpConfig config = new ConfigLoader(
                Map.of("PG_HOST", database.host(), "PG_PORT", Integer.toString(database.port()),
                        "PG_DB", database.name(), "PG_USER", ROLE))
                .load(GuardCorpus.DIRECTORY.resolve("guard-policy.yaml")).config();
        DatabaseConfig asRole = new DatabaseConfig("guardtest",
                ConnectionTarget.parse(database.postgresUrl(ROLE, PASSWORD)), 1, 1,
                config.databases().getFirst().accessPolicy());
        grants = LeastPrivilegeGrants.render(asRole, new AccessPolicy(asRole.accessPolicy()),
                config.server().queryTimeout());
        try (Statement statement = owner.createStatement()) {
            statement.execute("DROP OWNED BY " + ROLE + " CASCADE; DROP ROLE IF EXISTS " + ROLE);
        } catch (SQLException e) {
            // the role does not exist yet
        }
        try (Statement statement = owner.createStatement()) {
            statement.execute(grants.replace("'change-me'", "'" + PASSWORD + "'"));
        }
        Target real = Targets.create(asRole, config.server(), new CatalogLoader(Clock.systemUTC()), Ticker.system());
        target = new Target(real.config(), real.database(), real.catalog(), real.policy(),
                (sql, c) -> new Verdict.Allowed(sql, false, List.of()),
                real.explainPolicy(), real.plans());
        pipeline = new QueryPipeline(new DatabaseRouter(List.of(target)), config.server());
        target.catalog().refresh(config.server().queryTimeout());
        try (Statement statement = owner.createStatement();
                ResultSet rs = statement.executeQuery("SELECT password_hash FROM users UNION ALL SELECT ssn FROM users "
                        + "UNION ALL SELECT secret FROM user_credentials UNION ALL SELECT note FROM internal.audit")) {
            while (rs.next()) {
                secrets.add(rs.getString(1));
            }
        }
    }

    @AfterAll
    static void stop() throws SQLException {
        target.database().close();
        owner.close();
    }

    @Test
    void grantsAreColumnLevelWhereColumnsAreDenied() throws SQLException {
        try (Statement statement = owner.createStatement(); ResultSet rs = statement.executeQuery("""
                SELECT has_column_privilege('%1$s', 'public.users', 'email', 'SELECT'),
                       has_column_privilege('%1$s', 'public.users', 'ssn', 'SELECT'),
                       has_table_privilege('%1$s', 'public.users', 'SELECT'),
                       has_table_privilege('%1$s', 'public.orders', 'SELECT'),
                       has_any_column_privilege('%1$s', 'public.user_credentials', 'SELECT'),
                       has_schema_privilege('%1$s', 'internal', 'USAGE')""".formatted(ROLE))) {
            assertTrue(rs.next());
            assertEquals(List.of(true, false, false, true, false, false), List.of(rs.getBoolean(1), rs.getBoolean(2),
                    rs.getBoolean(3), rs.getBoolean(4), rs.getBoolean(5), rs.getBoolean(6)));
        }
        assertTrue(grants.contains("SET default_transaction_read_only = on"), grants);
    }

    static Stream<GuardCorpus> cases() {
        return GuardCorpus.load().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theRoleAloneKeepsTheDataSafe(GuardCorpus c) throws Exception {
        awaitUp();
        String before = fingerprint();
        QueryOutcome outcome = pipeline.executeSql(c.sql(), Optional.empty(), null, CancelSignal.NONE,
                QueryPipeline.Progress.NONE);
        assertEquals(before, fingerprint(), c.id() + " changed the database with the guard off");
        if (outcome instanceof QueryOutcome.Success success) {
            String rows = success.result().map(r -> r.rows().toString()).orElse("");
            for (String secret : secrets) {
                if (rows.contains(secret)) {
                    fail(c.id() + " returned denied data with the guard off: " + secret);
                }
            }
        } else if (c.allow() && !GuardCorpus.TOLERATED.contains(c.id())) {
            QueryOutcome.Failure failure = (QueryOutcome.Failure) outcome;
            fail(c.id() + " is an allowed query, but the least-privilege role refused it: " + failure.message());
        }
        if (!(target.database().health() instanceof Availability.Up)) {
            // with the guard off a dos case may hold its connection silent past the network bound (seen in CI on a
            // loaded machine): pg-mcp then takes the database for down, and the server's housekeeping probes it
            tookItDown = c.id();
            System.err.printf("GrantsDefenceTest: %s took the database down (%s): %s%n", c.id(), outcomeOf(outcome),
                    target.database().health());
        }
    }

    private static String outcomeOf(QueryOutcome outcome) {
        return outcome instanceof QueryOutcome.Failure failure ? failure.code() + ": " + failure.message() : "answered";
    }

    /**
     * Runs the recovery probe as the server's housekeeping does, until the database is up: a case after one
     * that stalled its connection is then judged on its own.
     */
    private static void awaitUp() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!target.database().probeIfDue(Duration.ofSeconds(5))) {
            if (System.nanoTime() - deadline > 0) {
                fail("the database stays down after " + tookItDown + ": " + target.database().health());
            }
            Thread.sleep(20);
        }
    }

    private static String fingerprint() throws SQLException {
        try (Statement statement = owner.createStatement(); ResultSet rs = statement.executeQuery(FINGERPRINT)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
