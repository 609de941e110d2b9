package io.pgmcp.query;

import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.ExplainPolicyConfig;
import io.pgmcp.catalog.CatalogHolder;
import io.pgmcp.db.Database;
import io.pgmcp.resilience.Ticker;
import java.time.Duration;
import io.pgmcp.resilience.TtlCache;
import io.pgmcp.sql.AccessPolicy;
import io.pgmcp.sql.ExplainPolicy;
import io.pgmcp.sql.Guard;
import io.pgmcp.sql.SqlGuard;

/**
 * A configured database with everything a call against it needs: the database and its catalog, its policy,
 * its guard, its EXPLAIN policy and the cache of plan estimates with their last decision (keyed by the executable
 * SQL).
 */
public record Target(DatabaseConfig config, Database database, CatalogHolder catalog, AccessPolicy policy, Guard guard,
        ExplainPolicy explainPolicy, TtlCache<String, CachedPlan> plans) {
    /** The statement timeout of asking PostgreSQL's grammar about SQL the guard's parser cannot read. */
    static final Duration GRAMMAR_CHECK_TIMEOUT = Duration.ofSeconds(2);

    public String name() {
        return config.name();
    }

    /**
     * Builds what a call against one configured database needs around its {@code database} and
     * {@code catalog}: policy, guard, EXPLAIN policy and plan cache.
     */
    public static Target of(DatabaseConfig db, Database database, CatalogHolder catalog, Ticker ticker) {
        AccessPolicy policy = new AccessPolicy(db.accessPolicy());
        ExplainPolicyConfig explain = db.accessPolicy().explainPolicy();
        SqlGuard guard = new SqlGuard(policy, db.dbname(),
                statement -> database.checkGrammar(statement, GRAMMAR_CHECK_TIMEOUT));
        return new Target(db, database, catalog, policy, guard, new ExplainPolicy(explain),
                new TtlCache<>(explain.cacheTtl(), explain.cacheMaxSize(), ticker));
    }
}
