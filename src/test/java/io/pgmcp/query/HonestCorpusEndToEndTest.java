package io.pgmcp.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgmcp.config.ConfigLoader;
import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.db.CancelSignal;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.testing.TestDatabase;
import java.time.Clock;
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
 * The honest corpus end to end through the {@code execute_sql} pipeline (guard, EXPLAIN policy with
 * its default limits, read-only execution) against a real PostgreSQL: every case must be answered.
 * A refusal here is over-blocking — the guard must learn the construct, never check less.
 */
class HonestCorpusEndToEndTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withScripts(HonestCorpus.SCHEMA);

    static QueryPipeline pipeline;
    static Target target;

    @BeforeAll
    static void start() throws Exception {
        TestDatabase database = db.get();
        PgMcpConfig config = new ConfigLoader(
                Map.of("PG_HOST", database.host(), "PG_PORT", Integer.toString(database.port()),
                        "PG_DB", database.name(), "PG_USER", database.user()))
                .load(HonestCorpus.policy()).config();
        DatabaseConfig file = config.databases().getFirst();
        // the policy file names no password: the fixture's superuser needs one
        DatabaseConfig dbConfig = new DatabaseConfig(file.name(), ConnectionTarget.parse(database.postgresUrl()), 1, 2,
                file.accessPolicy());
        target = Targets.create(dbConfig, config.server(), new CatalogLoader(Clock.systemUTC()), Ticker.system());
        pipeline = new QueryPipeline(new DatabaseRouter(List.of(target)), config.server());
        target.catalog().refresh(config.server().queryTimeout());
    }

    @AfterAll
    static void stop() {
        target.database().close();
    }

    static Stream<HonestCorpus> cases() {
        return HonestCorpus.load().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void honestQueryIsAnswered(HonestCorpus c) {
        QueryOutcome outcome = pipeline.executeSql(c.sql(), Optional.empty(), null, CancelSignal.NONE,
                QueryPipeline.Progress.NONE);
        if (outcome instanceof QueryOutcome.Failure failure) {
            fail(c.id() + " (" + c.construct() + ") was refused: " + failure.code() + " " + failure.message());
        }
    }

    @Test
    void corpusHasAtLeastThreeHundredDistinctCases() {
        List<HonestCorpus> cases = HonestCorpus.load();
        assertTrue(cases.size() >= 300, "only " + cases.size() + " honest cases");
        Set<String> ids = new HashSet<>();
        Set<String> texts = new HashSet<>();
        for (HonestCorpus c : cases) {
            assertTrue(ids.add(c.id()), "duplicate id " + c.id());
            assertTrue(texts.add(c.sql()), "duplicate SQL in " + c.id());
        }
        assertEquals(cases.size(), ids.size());
    }
}
