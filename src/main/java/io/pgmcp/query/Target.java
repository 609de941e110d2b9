package io.pgmcp.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.ExplainPolicyConfig;
import io.pgmcp.config.ServerConfig;
import io.pgmcp.db.CatalogLoader;
import io.pgmcp.db.ConnectionPool;
import io.pgmcp.db.Database;
import io.pgmcp.db.PgConnectionFactory;
import io.pgmcp.db.PoolSettings;
import io.pgmcp.resilience.Ticker;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import io.pgmcp.resilience.TtlCache;
import io.pgmcp.sql.AccessPolicy;
import io.pgmcp.sql.ExplainPolicy;
import io.pgmcp.sql.PlanEstimate;
import io.pgmcp.sql.Guard;
import io.pgmcp.sql.SqlGuard;

/**
 * A configured database with everything a call against it needs: its pool and catalog, its policy,
 * its guard, its EXPLAIN policy and the cache of plan estimates (keyed by the executable SQL).
 */
public record Target(DatabaseConfig config, Database database, AccessPolicy policy, Guard guard,
                     ExplainPolicy explainPolicy, TtlCache<String, PlanEstimate> plans) {
    /** The statement timeout of asking PostgreSQL's grammar about SQL the guard's parser cannot read. */
    static final Duration GRAMMAR_CHECK_TIMEOUT = Duration.ofSeconds(2);

    public String name() {
        return config.name();
    }

    /**
     * Builds everything one configured database needs: pool (not yet connected), catalog holder,
     * policy, guard, EXPLAIN policy and plan cache.
     */
    public static Target create(DatabaseConfig db, ServerConfig server, CatalogLoader loader, ObjectMapper json, Ticker ticker) {
        return create(db, server, loader, json, ticker, Database.Resilience.defaults(db.name()));
    }

    /** As above, with the database's retries and availability tracking ({@code retry.database}). */
    public static Target create(DatabaseConfig db, ServerConfig server, CatalogLoader loader, ObjectMapper json, Ticker ticker,
                                Database.Resilience resilience) {
        AccessPolicy policy = new AccessPolicy(db.accessPolicy());
        ConnectionPool pool = new ConnectionPool(PoolSettings.of(db.name(), db.minPoolSize(), db.maxPoolSize()),
                new PgConnectionFactory(db, server.queryTimeout()), ticker);
        Database database = new Database(db.name(), pool, loader, systemSchemas(db), json, resilience);
        ExplainPolicyConfig explain = db.accessPolicy().explainPolicy();
        SqlGuard guard = new SqlGuard(policy, db.dbname(), statement -> database.checkGrammar(statement, GRAMMAR_CHECK_TIMEOUT));
        return new Target(db, database, policy, guard, new ExplainPolicy(explain),
                new TtlCache<>(explain.cacheTtl(), explain.cacheMaxSize(), ticker));
    }

    /** pg_catalog and information_schema are loaded only when the policy allows them. */
    private static Set<String> systemSchemas(DatabaseConfig db) {
        Set<String> schemas = new LinkedHashSet<>();
        for (String schema : db.accessPolicy().allowedSchemas()) {
            String lower = schema.toLowerCase(Locale.ROOT);
            if (lower.equals("pg_catalog") || lower.equals("information_schema")) {
                schemas.add(lower);
            }
        }
        return schemas;
    }
}
