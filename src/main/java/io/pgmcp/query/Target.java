package io.pgmcp.query;

import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.ExplainPolicyConfig;
import io.pgmcp.config.PrincipalDatabase;
import io.pgmcp.catalog.CatalogHolder;
import io.pgmcp.db.Database;
import io.pgmcp.resilience.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import io.pgmcp.resilience.TtlCache;
import io.pgmcp.sql.AccessPolicy;
import io.pgmcp.sql.ExplainPolicy;
import io.pgmcp.sql.Guard;
import io.pgmcp.sql.SqlGuard;

/**
 * A configured database with everything a call against it needs: the database and its catalog, its policy,
 * its guard, its EXPLAIN policy, the cache of plan estimates with their last decision (keyed by the executable
 * SQL), and the PostgreSQL role its statements run as when that is not the login role.
 *
 * @param role the role every statement of a call runs as ({@code SET LOCAL ROLE}): the plan, the query and any
 *             read on the caller's behalf; empty for the login role
 */
public record Target(DatabaseConfig config, Database database, CatalogHolder catalog, AccessPolicy policy, Guard guard,
        ExplainPolicy explainPolicy, TtlCache<String, CachedPlan> plans, Optional<String> role) {
    /** The statement timeout of asking PostgreSQL's grammar about SQL the guard's parser cannot read. */
    static final Duration GRAMMAR_CHECK_TIMEOUT = Duration.ofSeconds(2);

    public Target {
        Objects.requireNonNull(role, "role");
    }

    /** As the login role. */
    public Target(DatabaseConfig config, Database database, CatalogHolder catalog, AccessPolicy policy, Guard guard,
            ExplainPolicy explainPolicy, TtlCache<String, CachedPlan> plans) {
        this(config, database, catalog, policy, guard, explainPolicy, plans, Optional.empty());
    }

    public String name() {
        return config.name();
    }

    /**
     * Builds what a call against one configured database needs around its {@code database} and
     * {@code catalog}: policy, guard, EXPLAIN policy and plan cache.
     */
    public static Target of(DatabaseConfig db, Database database, CatalogHolder catalog, Ticker ticker) {
        return of(db, database, catalog, ticker, Optional.empty());
    }

    /**
     * The view of {@code base}'s database a principal has: the same database, pool and catalog, with the
     * principal's effective policy (its own guard and plan cache, since what a role may plan and see differs) and
     * its role.
     *
     * @throws IllegalArgumentException when {@code principal} is about another database
     */
    public static Target forPrincipal(Target base, PrincipalDatabase principal, Ticker ticker) {
        if (!principal.name().equals(base.name())) {
            throw new IllegalArgumentException(
                    "principal database '" + principal.name() + "' is not '" + base.name() + "'");
        }
        return of(base.config().withAccessPolicy(principal.accessPolicy()), base.database(), base.catalog(), ticker,
                principal.role());
    }

    private static Target of(DatabaseConfig db, Database database, CatalogHolder catalog, Ticker ticker,
            Optional<String> role) {
        AccessPolicy policy = new AccessPolicy(db.accessPolicy());
        ExplainPolicyConfig explain = db.accessPolicy().explainPolicy();
        SqlGuard guard = new SqlGuard(policy, db.dbname(),
                statement -> database.checkGrammar(statement, GRAMMAR_CHECK_TIMEOUT));
        return new Target(db, database, catalog, policy, guard, new ExplainPolicy(explain),
                new TtlCache<>(explain.cacheTtl(), explain.cacheMaxSize(), ticker), role);
    }
}
