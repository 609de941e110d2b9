package io.pgmcp.query;

import io.pgmcp.config.ServerConfig;
import io.pgmcp.db.CancelSignal;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.db.DatabaseDownException;
import io.pgmcp.db.DatabaseException;
import io.pgmcp.db.ExecutionLimits;
import io.pgmcp.db.ResultTable;
import io.pgmcp.observability.Stage;
import io.pgmcp.observability.StageName;
import io.pgmcp.observability.Telemetry;
import io.pgmcp.sql.ExplainPolicy;
import io.pgmcp.sql.PlanEstimate;
import io.pgmcp.sql.Verdict;
import io.pgmcp.db.DatabaseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The path every SQL takes, whoever wrote it, as public stages: {@link #resolve} the database →
 * {@link #loadedCatalog} (or {@link #readyCatalog}) → {@link #check} with the guard → {@link #plan} with
 * the EXPLAIN policy → {@link #execute} read-only with limits. Each stage answers a {@link Step} (or,
 * the last, a {@link QueryOutcome}); PostgreSQL errors become failures worded by {@link DatabaseFailures}.
 * EXPLAIN and execution run as the target's role, when it has one.
 * {@link #executeSql} runs them all for {@code execute_sql}; {@link QuestionPipeline} builds the
 * {@code query} tool on them. Thread-safe; one instance serves all calls.
 */
public final class QueryPipeline {
    private final DatabaseRouter router;
    private final ServerConfig server;
    private final Telemetry telemetry;
    private final DatabaseFailures failures;

    /** A pipeline whose stages are measured into a registry nobody reads. */
    public QueryPipeline(DatabaseRouter router, ServerConfig server) {
        this(router, server, Telemetry.discarding());
    }

    /** @param telemetry measures and traces the guard, EXPLAIN and execution stages */
    public QueryPipeline(DatabaseRouter router, ServerConfig server, Telemetry telemetry) {
        this.router = router;
        this.server = server;
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
        this.failures = new DatabaseFailures(server.queryTimeout());
    }

    /** Progress of a call, reported between stages. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (step, total, message) -> {};

        void report(int step, int total, String message);
    }

    /**
     * Runs client-supplied SQL ({@code execute_sql}).
     *
     * @param limit rows at most; null for {@code server.max_result_rows}
     */
    public QueryOutcome executeSql(String sql, Optional<String> database, Integer limit, CancelSignal cancel,
            Progress progress) {
        Target target;
        switch (resolve(database)) {
            case Step.Failed(var failure) -> {
                return failure;
            }
            case Step.Passed(var resolved) -> target = resolved;
        }
        progress.report(1, 3, "checking SQL");
        Catalog catalog;
        switch (loadedCatalog(target)) {
            case Step.Failed(var failure) -> {
                return failure;
            }
            case Step.Passed(var loaded) -> catalog = loaded;
        }
        Verdict.Allowed checked;
        switch (check(target, catalog, sql)) {
            case Step.Failed(var failure) -> {
                return failure;
            }
            case Step.Passed(var allowed) -> checked = allowed;
        }
        Verdict.Allowed planned;
        switch (plan(target, catalog, checked)) {
            case Step.Failed(var failure) -> {
                return failure;
            }
            case Step.Passed(var withPlan) -> planned = withPlan;
        }
        progress.report(2, 3, "executing");
        return execute(target, planned, rowLimit(limit), cancel);
    }

    /** The rows a call may return: {@code limit}, or {@code server.max_result_rows} when it is null. */
    public int rowLimit(Integer limit) {
        return limit == null ? server.maxResultRows() : limit;
    }

    /** Stage 1: the named database, or the only one; a failure naming the configured databases otherwise. */
    public Step<Target> resolve(Optional<String> database) {
        return router.resolve(database);
    }

    /**
     * Stage 2 for {@code execute_sql}: the database's catalog; before the first load has succeeded, the load
     * under way waited for, or a load of its own ({@link io.pgmcp.catalog.CatalogHolder#loaded}); a database
     * still unreachable is a {@code CONNECTION_ERROR}.
     */
    public Step<Catalog> loadedCatalog(Target target) {
        try {
            return new Step.Passed<>(target.catalog().loaded(server.queryTimeout()));
        } catch (DatabaseException e) {
            return new Step.Failed<>(failures.of(target, e));
        }
    }

    /**
     * Stage 2 for the {@code query} tool: as {@link #loadedCatalog}, but a database known to be down fails
     * first, so that no LLM call is spent on SQL that cannot run.
     */
    public Step<Catalog> readyCatalog(Target target) {
        try {
            target.database().checkAvailable();
        } catch (DatabaseException e) {
            return new Step.Failed<>(failures.of(target, e));
        }
        return loadedCatalog(target);
    }

    /** Stage 3: the guard's verdict on {@code sql}; a refusal is a failure with the reason's error code. */
    public Step<Verdict.Allowed> check(Target target, Catalog catalog, String sql) {
        try (Stage stage = telemetry.stage(StageName.GUARD, target.name()).sql(sql)) {
            return switch (target.guard().check(sql, catalog)) {
                case Verdict.Allowed allowed -> {
                    stage.attribute("pg_mcp.guard.verdict", "allowed").attribute("pg_mcp.guard.rewritten",
                            allowed.rewritten());
                    yield new Step.Passed<>(allowed);
                }
                case Verdict.Denied denied -> {
                    stage.attribute("pg_mcp.guard.verdict", "denied").fail(denied.reason().name());
                    yield new Step.Failed<>(new QueryOutcome.Failure(ErrorCode.of(denied.reason()), denied.message(),
                            new FailureDetails.Refused(denied.details())));
                }
            };
        }
    }

    /**
     * Stage 4: the EXPLAIN policy's verdict on the checked SQL, using the cached estimate for the same SQL
     * when there is one; passes the SQL on with the policy's warnings added.
     */
    public Step<Verdict.Allowed> plan(Target target, Catalog catalog, Verdict.Allowed checked) {
        ExplainPolicy policy = target.explainPolicy();
        if (!policy.config().enabled()) {
            return new Step.Passed<>(checked);
        }
        try (Stage stage = telemetry.stage(StageName.EXPLAIN, target.name())) {
            Step<List<String>> warnings = planWarnings(target, catalog, checked.sql(), policy, stage);
            return switch (warnings) {
                case Step.Failed(var failure) -> {
                    stage.fail(failure.code().name());
                    yield new Step.Failed<>(failure);
                }
                case Step.Passed(var added) -> {
                    if (added.isEmpty()) {
                        yield new Step.Passed<>(checked);
                    }
                    List<String> all = new ArrayList<>(checked.warnings());
                    all.addAll(added);
                    yield new Step.Passed<>(new Verdict.Allowed(checked.sql(), checked.rewritten(), all));
                }
            };
        }
    }

    private Step<List<String>> planWarnings(Target target, Catalog catalog, String sql, ExplainPolicy policy,
            Stage stage) {
        CachedPlan plan = target.plans().get(sql).orElse(null);
        if (plan == null) {
            try {
                plan = new CachedPlan(ExplainPolicy.estimate(target.database().explain(sql,
                        policy.config().timeout(), target.policy().searchPath(), target.role())));
                target.plans().put(sql, plan);
                stage.attribute("pg_mcp.explain.cache_hit", false);
            } catch (DatabaseException e) {
                return new Step.Failed<>(failures.ofExplain(target, e, policy.config().timeout()));
            } catch (IllegalArgumentException e) {
                return new Step.Failed<>(DatabaseFailures.unreadablePlan());
            }
        } else {
            stage.attribute("pg_mcp.explain.cache_hit", true);
        }
        PlanEstimate estimate = plan.estimate();
        stage.attribute("pg_mcp.explain.total_cost", estimate.totalCost()).attribute("pg_mcp.explain.rows",
                estimate.rows());
        return switch (plan.decision(policy, catalog, target.policy())) {
            case ExplainPolicy.Decision.Pass pass -> new Step.Passed<>(pass.warnings());
            case ExplainPolicy.Decision.Refuse refuse -> new Step.Failed<>(new QueryOutcome.Failure(
                    refuse.seqScan() ? ErrorCode.SEQ_SCAN_DENIED : ErrorCode.QUERY_TOO_EXPENSIVE, refuse.message(),
                    new FailureDetails.Refused(refuse.details())));
        };
    }

    /** Stage 5: runs the planned SQL read-only with the limits; the rows, or the database's failure. */
    public QueryOutcome execute(Target target, Verdict.Allowed planned, int limit, CancelSignal cancel) {
        ExecutionLimits limits = new ExecutionLimits(limit, server.maxResultBytes(), server.queryTimeout(),
                target.policy().searchPath(), target.role());
        try (Stage stage = telemetry.stage(StageName.EXECUTE, target.name()).sql(planned.sql())) {
            try {
                ResultTable table = target.database().query(planned.sql(), limits, cancel);
                stage.attribute("db.response.returned_rows", table.rowCount()).attribute("pg_mcp.truncated",
                        table.truncated());
                return new QueryOutcome.Success(target.name(), planned.sql(), Optional.empty(), Optional.of(table),
                        planned.warnings(), planned.rewritten());
            } catch (DatabaseException e) {
                QueryOutcome.Failure failure = failures.of(target, e);
                stage.fail(failure.code().name());
                return failure;
            }
        }
    }

    /** The names of the configured databases, for messages. */
    public List<String> databaseNames() {
        return router.names();
    }
}
