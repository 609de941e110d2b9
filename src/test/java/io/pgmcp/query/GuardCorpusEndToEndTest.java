package io.pgmcp.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgmcp.config.ConfigLoader;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.db.CancelSignal;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.sql.GuardCorpus;
import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared corpus end to end through the {@code execute_sql} pipeline (guard, EXPLAIN policy,
 * read-only execution) against the real database, connected as a superuser that owns every table —
 * so only pg-mcp stands between the SQL and the data. After every case the database must be
 * unchanged (objects, rows, sequences, slots, grants, settings, files) and the pooled session clean.
 * Pass rules are the corpus's own (see guard-policy.yaml).
 */
class GuardCorpusEndToEndTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withScripts(GuardCorpus.SCHEMA);

    private static final String FINGERPRINT = """
            SELECT concat_ws(' | ',
              (SELECT string_agg(n.nspname || '.' || c.relname || ':' || c.relkind::text, ',' ORDER BY 1)
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')),
              (SELECT count(*) || ':' || coalesce(sum(hashtext(u::text)), 0) FROM public.users u),
              (SELECT count(*) || ':' || coalesce(sum(hashtext(o::text)), 0) FROM public.orders o),
              (SELECT count(*) || ':' || coalesce(sum(hashtext(p::text)), 0) FROM public.products p),
              (SELECT count(*) || ':' || coalesce(sum(hashtext(c::text)), 0) FROM public.user_credentials c),
              (SELECT count(*) || ':' || coalesce(sum(hashtext(a::text)), 0) FROM internal.audit a),
              (SELECT string_agg(schemaname || '.' || sequencename || '=' || coalesce(last_value::text, 'null'), ',' ORDER BY 1) FROM pg_sequences),
              (SELECT count(*) FROM pg_replication_slots),
              (SELECT count(*) FROM pg_prepared_xacts),
              (SELECT count(*) FROM pg_largeobject_metadata),
              (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('public', 'internal')),
              (SELECT string_agg(grantee || ':' || table_name || ':' || privilege_type, ',' ORDER BY 1)
                 FROM information_schema.role_table_grants WHERE table_schema IN ('public', 'internal')),
              (SELECT count(*) FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf'),
              (SELECT count(*) FROM pg_roles WHERE rolname LIKE 'guardcorpus%'))""";

    private static final String SESSION_STATE = """
            SELECT concat_ws(' | ', current_user, session_user, current_setting('default_transaction_read_only'),
              current_setting('work_mem'), current_setting('application_name'),
              (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()),
              (SELECT count(*) FROM pg_prepared_statements),
              (SELECT count(*) FROM pg_listening_channels()),
              (SELECT count(*) FROM pg_cursors))""";

    static QueryPipeline pipeline;
    static Target target;
    static Connection observer;
    static String cleanSession;

    @BeforeAll
    static void start() throws Exception {
        TestDatabase database = db.get();
        PgMcpConfig config = new ConfigLoader(
                Map.of("PG_HOST", database.host(), "PG_PORT", Integer.toString(database.port()),
                        "PG_DB", database.name(), "PG_USER", database.user()))
                .load(GuardCorpus.DIRECTORY.resolve("guard-policy.yaml")).config();
        var dbConfig = config.databases().getFirst();
        // the policy file names no password: the fixture's superuser needs one
        dbConfig = new io.pgmcp.config.DatabaseConfig(dbConfig.name(),
                io.pgmcp.config.ConnectionTarget.parse(database.postgresUrl()),
                1, 1, dbConfig.accessPolicy());
        target = Targets.create(dbConfig, config.server(), new CatalogLoader(Clock.systemUTC()), Ticker.system());
        pipeline = new QueryPipeline(new DatabaseRouter(List.of(target)), config.server());
        target.catalog().refresh(config.server().queryTimeout());
        observer = database.connect();
        cleanSession = sessionState();
    }

    @AfterAll
    static void stop() throws SQLException {
        target.database().close();
        observer.close();
    }

    static Stream<GuardCorpus> cases() {
        return GuardCorpus.load().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void caseIsRefusedOrAnsweredAndNothingChanges(GuardCorpus c) throws Exception {
        String before = fingerprint();
        QueryOutcome outcome = pipeline.executeSql(c.sql(), Optional.empty(), null, CancelSignal.NONE,
                QueryPipeline.Progress.NONE);
        String after = fingerprint();
        assertEquals(before, after, c.id() + " changed the database");
        assertEquals(cleanSession, sessionState(), c.id() + " left session state behind");
        assertFilesUntouched(c);
        switch (outcome) {
            case QueryOutcome.Success success -> {
                if (!c.allow()) {
                    fail(c.id() + " should be refused (" + c.why() + ") but returned "
                            + success.result().map(r -> r.rowCount() + " rows").orElse("?"));
                }
            }
            case QueryOutcome.Failure failure -> {
                if (c.allow() && !GuardCorpus.TOLERATED.contains(c.id())) {
                    fail(c.id() + " should be answered (" + c.why() + ") but failed: " + failure.code() + " "
                            + failure.message());
                }
                if (!c.allow()) {
                    assertNotEquals(ErrorCode.INTERNAL_ERROR, failure.code(), c.id() + ": " + failure.message());
                    if (failure.code() == ErrorCode.EXECUTION_TIMEOUT && !c.category().equals("dos")) {
                        fail(c.id() + " was only stopped by the statement timeout: " + failure.message());
                    }
                }
            }
        }
    }

    private static void assertFilesUntouched(GuardCorpus c) {
        for (String path : List.of("/tmp/pgtest/users.csv", "/tmp/evil.csv")) {
            if (c.sql().contains(path) && Files.exists(Path.of(path))) {
                fail(c.id() + " wrote " + path);
            }
        }
    }

    private static String fingerprint() throws SQLException {
        return single(observer, FINGERPRINT);
    }

    /** The state of the pool's only connection, read through the same read-only discipline as queries. */
    private static String sessionState() throws Exception {
        List<String> state = new java.util.ArrayList<>();
        target.database().read(java.time.Duration.ofSeconds(5), List.of("public"),
                session -> {
                    session.query(SESSION_STATE, List.of(), 0, row -> state.add(row.text(1)));
                    return null;
                });
        return state.getFirst();
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
