package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import io.pgmcp.config.ConfigLoader;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.testing.TestDatabase;
import io.pgmcp.db.DirectConnection;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guard's verdict on every case of the shared corpus, under the corpus's own policy and schema:
 * every reject case refused (denial-of-service cases may pass the guard: the EXPLAIN policy and the
 * statement timeout stop them), every allow case allowed.
 */
class GuardCorpusVerdictTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withScripts(GuardCorpus.SCHEMA);

    static SqlGuard guard;
    static Catalog catalog;

    @BeforeAll
    static void loadPolicyAndCatalog() throws Exception {
        TestDatabase database = db.get();
        DatabaseConfig config = new ConfigLoader(
                Map.of("PG_HOST", database.host(), "PG_PORT", Integer.toString(database.port()),
                        "PG_DB", database.name(), "PG_USER", database.user()))
                .load(GuardCorpus.DIRECTORY.resolve("guard-policy.yaml")).config().databases().getFirst();
        AccessPolicy policy = new AccessPolicy(config.accessPolicy());
        guard = new SqlGuard(policy, config.dbname());
        try (DirectConnection connection = DirectConnection.open(database::connect)) {
            catalog = new CatalogLoader(Clock.systemUTC()).load(connection, "guardtest", Set.of());
        }
    }

    static Stream<GuardCorpus> cases() {
        return GuardCorpus.load().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verdictMatchesTheCorpus(GuardCorpus c) {
        Verdict verdict = guard.check(c.sql(), catalog);
        if (c.allow()) {
            if (verdict instanceof Verdict.Denied denied && !GuardCorpus.TOLERATED.contains(c.id())) {
                fail(c.id() + " should be allowed (" + c.why() + ") but was refused: " + denied.reason() + " "
                        + denied.message());
            }
        } else if (!c.category().equals("dos")) {
            assertInstanceOf(Verdict.Denied.class, verdict,
                    () -> c.id() + " should be refused (" + c.why() + "): " + verdict);
        }
    }

    static List<GuardCorpus> all() {
        return GuardCorpus.load();
    }
}
