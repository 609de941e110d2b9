package io.pgmcp.query;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.config.ServerConfig;
import io.pgmcp.db.Availability;
import io.pgmcp.db.CancelSignal;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.db.DatabaseDownException;
import io.pgmcp.db.DatabaseException;
import io.pgmcp.db.ExecutionLimits;
import io.pgmcp.db.PoolTimeoutException;
import io.pgmcp.db.ResultTable;
import io.pgmcp.db.SqlFailure;
import io.pgmcp.observability.Stage;
import io.pgmcp.observability.StageName;
import io.pgmcp.observability.Telemetry;
import io.pgmcp.sql.ExplainPolicy;
import io.pgmcp.sql.PlanEstimate;
import io.pgmcp.sql.Verdict;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The path every SQL takes, whoever wrote it: resolve the database → make sure its
 * catalog is loaded → guard → EXPLAIN policy → execute read-only with limits → a {@link QueryOutcome}. PostgreSQL
 * errors become failures a model can act on. Thread-safe; one instance serves all calls.
 */
public final class QueryPipeline {
    private final DatabaseRouter router;
    private final ServerConfig server;
    private final Telemetry telemetry;

    /** A pipeline whose stages are measured into a registry nobody reads. */
    public QueryPipeline(DatabaseRouter router, ServerConfig server) {
        this(router, server, Telemetry.discarding());
    }

    /** @param telemetry measures and traces the guard, EXPLAIN and execution stages */
    public QueryPipeline(DatabaseRouter router, ServerConfig server, Telemetry telemetry) {
        this.router = router;
        this.server = server;
        this.telemetry = java.util.Objects.requireNonNull(telemetry, "telemetry");
    }

    Telemetry telemetry() {
        return telemetry;
    }

    public DatabaseRouter router() {
        return router;
    }

    /** Progress of a call, reported between stages. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (step, total, message) -> { };

        void report(int step, int total, String message);
    }

    /**
     * Runs client-supplied SQL ({@code execute_sql}).
     *
     * @param limit rows at most; null for {@code server.max_result_rows}
     */
    public QueryOutcome executeSql(String sql, Optional<String> database, Integer limit, CancelSignal cancel, Progress progress) {
        DatabaseRouter.Resolution resolution = router.resolve(database);
        if (resolution.failure() != null) {
            return resolution.failure();
        }
        Target target = resolution.target();
        progress.report(1, 3, "checking SQL");
        Optional<QueryOutcome.Failure> noCatalog = ensureCatalog(target);
        if (noCatalog.isPresent()) {
            return noCatalog.get();
        }
        Catalog catalog = target.catalog().current().orElseThrow();
        return checkAndRun(target, catalog, sql, limit == null ? server.maxResultRows() : limit, cancel, progress, true);
    }

    /**
     * The tail every SQL goes through: guard → EXPLAIN policy → (when {@code execute}) read-only
     * execution. With {@code execute} false the SQL is only checked (the {@code query} tool's
     * {@code return_type: sql}) and the success carries no result.
     */
    QueryOutcome checkAndRun(Target target, Catalog catalog, String sql, int limit, CancelSignal cancel, Progress progress,
                             boolean execute) {
        Verdict verdict = guard(target, catalog, sql);
        return switch (verdict) {
            case Verdict.Denied denied -> new QueryOutcome.Failure(ErrorCode.valueOf(denied.reason().name()),
                    denied.message(), denied.details());
            case Verdict.Allowed allowed -> {
                Plan plan = plan(target, allowed.sql(), catalog);
                if (plan.failure() != null) {
                    yield plan.failure();
                }
                List<String> warnings = new java.util.ArrayList<>(allowed.warnings());
                warnings.addAll(plan.warnings());
                if (!execute) {
                    yield new QueryOutcome.Success(target.name(), allowed.sql(), Optional.empty(), Optional.empty(), warnings,
                            allowed.rewritten());
                }
                progress.report(2, 3, "executing");
                yield execute(target, new Verdict.Allowed(allowed.sql(), allowed.rewritten(), warnings), limit, cancel);
            }
        };
    }

    private Verdict guard(Target target, Catalog catalog, String sql) {
        try (Stage stage = telemetry.stage(StageName.GUARD, target.name()).sql(sql)) {
            Verdict verdict = target.guard().check(sql, catalog);
            switch (verdict) {
                case Verdict.Allowed allowed -> stage.attribute("pg_mcp.guard.verdict", "allowed")
                        .attribute("pg_mcp.guard.rewritten", allowed.rewritten());
                case Verdict.Denied denied -> stage.attribute("pg_mcp.guard.verdict", "denied").fail(denied.reason().name());
            }
            return verdict;
        }
    }

    /**
     * A failure when the database is down (checked first, so that the {@code query} tool does not spend
     * an LLM call on SQL that cannot run) or its catalog cannot be loaded; empty when both are fine.
     */
    Optional<QueryOutcome.Failure> catalogReady(Target target) {
        try {
            target.database().checkAvailable();
        } catch (DatabaseDownException e) {
            return Optional.of((QueryOutcome.Failure) failure(target, e, false));
        }
        return ensureCatalog(target);
    }

    ServerConfig server() {
        return server;
    }

    /** The EXPLAIN policy's verdict: a failure, or warnings to add to a success. */
    private record Plan(QueryOutcome.Failure failure, List<String> warnings) {
    }

    /** Runs the EXPLAIN policy, using the cached estimate for the same SQL when there is one. */
    private Plan plan(Target target, String sql, Catalog catalog) {
        ExplainPolicy policy = target.explainPolicy();
        if (!policy.config().enabled()) {
            return new Plan(null, List.of());
        }
        try (Stage stage = telemetry.stage(StageName.EXPLAIN, target.name())) {
            Plan plan = plan(target, sql, catalog, policy, stage);
            if (plan.failure() != null) {
                stage.fail(plan.failure().code().name());
            }
            return plan;
        }
    }

    private Plan plan(Target target, String sql, Catalog catalog, ExplainPolicy policy, Stage stage) {
        PlanEstimate estimate = target.plans().get(sql).orElse(null);
        if (estimate == null) {
            try {
                estimate = ExplainPolicy.estimate(target.database().explain(sql, policy.config().timeout(),
                        target.policy().searchPath()));
                target.plans().put(sql, estimate);
                stage.attribute("pg_mcp.explain.cache_hit", false);
            } catch (DatabaseException e) {
                SqlFailure failure = SqlFailure.of(e, false);
                if (failure.kind() == SqlFailure.Kind.TIMEOUT) {
                    ObjectNode details = JsonNodeFactory.instance.objectNode();
                    details.put("explain_timeout_seconds", policy.config().timeout().toMillis() / 1000.0);
                    return new Plan(new QueryOutcome.Failure(ErrorCode.QUERY_TOO_EXPENSIVE,
                            "PostgreSQL could not even plan this query within the EXPLAIN timeout; simplify it.", details), List.of());
                }
                return new Plan((QueryOutcome.Failure) failure(target, e, false), List.of());
            } catch (IllegalArgumentException e) {
                return new Plan(new QueryOutcome.Failure(ErrorCode.INTERNAL_ERROR,
                        "pg-mcp could not read PostgreSQL's plan for this query.", JsonNodeFactory.instance.objectNode()), List.of());
            }
        } else {
            stage.attribute("pg_mcp.explain.cache_hit", true);
        }
        stage.attribute("pg_mcp.explain.total_cost", estimate.totalCost()).attribute("pg_mcp.explain.rows", estimate.rows());
        return switch (policy.decide(estimate, catalog, target.policy())) {
            case ExplainPolicy.Decision.Pass pass -> new Plan(null, pass.warnings());
            case ExplainPolicy.Decision.Refuse refuse -> new Plan(new QueryOutcome.Failure(
                    refuse.seqScan() ? ErrorCode.SEQ_SCAN_DENIED : ErrorCode.QUERY_TOO_EXPENSIVE, refuse.message(),
                    refuse.details()), List.of());
        };
    }

    private QueryOutcome execute(Target target, Verdict.Allowed allowed, int limit, CancelSignal cancel) {
        ExecutionLimits limits = new ExecutionLimits(limit, server.maxResultBytes(), server.queryTimeout(),
                target.policy().searchPath());
        try (Stage stage = telemetry.stage(StageName.EXECUTE, target.name()).sql(allowed.sql())) {
            try {
                ResultTable table = target.database().query(allowed.sql(), limits, cancel);
                stage.attribute("db.response.returned_rows", table.rowCount()).attribute("pg_mcp.truncated", table.truncated());
                return new QueryOutcome.Success(target.name(), allowed.sql(), Optional.empty(), Optional.of(table),
                        allowed.warnings(), allowed.rewritten());
            } catch (DatabaseException e) {
                QueryOutcome failure = failure(target, e, e instanceof io.pgmcp.db.Database.CancelledException);
                if (failure instanceof QueryOutcome.Failure f) {
                    stage.fail(f.code().name());
                }
                return failure;
            }
        }
    }

    /** Loads the catalog on first use when start-up could not; a database still down is a CONNECTION_ERROR. */
    private Optional<QueryOutcome.Failure> ensureCatalog(Target target) {
        if (target.catalog().current().isPresent()) {
            return Optional.empty();
        }
        try {
            target.catalog().refresh(server.queryTimeout());
            return Optional.empty();
        } catch (DatabaseException e) {
            return Optional.of((QueryOutcome.Failure) failure(target, e, false));
        }
    }

    /** Maps a PostgreSQL or pool error onto an {@link ErrorCode}. */
    QueryOutcome failure(Target target, DatabaseException e, boolean cancelledByClient) {
        SqlFailure failure = SqlFailure.of(e, cancelledByClient);
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("database", target.name());
        if (!failure.sqlState().isEmpty()) {
            details.put("sqlstate", failure.sqlState());
        }
        if (e instanceof DatabaseDownException down) {
            return unavailable(target, down.down(), details);
        }
        if (e instanceof PoolTimeoutException busy) {
            // every connection is lent out: the database answers, pg-mcp is at its max_pool_size
            return new QueryOutcome.Failure(ErrorCode.CONNECTION_ERROR, String.format(Locale.ROOT,
                    "Database '%s' is busy: all %d of its connections were in use for %.1f s (%s). Try again in a moment.",
                    target.name(), busy.stats().total(), busy.waited().toMillis() / 1000.0, busy.stats()), details);
        }
        return switch (failure.kind()) {
            case TIMEOUT -> {
                details.put("timeout_seconds", server.queryTimeout().toMillis() / 1000.0);
                yield new QueryOutcome.Failure(ErrorCode.EXECUTION_TIMEOUT, String.format(Locale.ROOT,
                        "The query was stopped after the %.1f s statement timeout. Make it cheaper: filter on indexed "
                                + "columns, aggregate, or add a LIMIT.", server.queryTimeout().toMillis() / 1000.0), details);
            }
            case CANCELLED -> new QueryOutcome.Failure(ErrorCode.INTERNAL_ERROR, "The call was cancelled.", details);
            case CONNECTION -> new QueryOutcome.Failure(ErrorCode.CONNECTION_ERROR, "Database '" + target.name()
                    + "' (" + target.config().displayTarget() + ") is unreachable: " + failure.message(), details);
            case LOGIN_REJECTED -> new QueryOutcome.Failure(ErrorCode.CONNECTION_ERROR, "Database '" + target.name()
                    + "' (" + target.config().displayTarget() + ") refused pg-mcp's connection (SQLSTATE " + failure.sqlState()
                    + "): " + failure.message() + ". Check the database's connection settings in pg-mcp's configuration.",
                    details);
            case READ_ONLY_VIOLATION -> new QueryOutcome.Failure(ErrorCode.UNSAFE_SQL,
                    "PostgreSQL refused to write: pg-mcp runs every query in a read-only transaction. " + failure.message(), details);
            case PERMISSION -> new QueryOutcome.Failure(ErrorCode.TABLE_ACCESS_DENIED,
                    "The database role may not read this: " + failure.message(), details);
            case DATA -> rejected(ErrorCode.DATA_ERROR, "PostgreSQL could not compute the result", failure, details,
                    "Guard the expression against such values (e.g. NULLIF for a divisor, a CASE before a cast) or filter them out.");
            case RESOURCES -> rejected(ErrorCode.RESOURCE_ERROR, "PostgreSQL ran out of resources or hit a limit", failure, details,
                    "Make the query smaller: fewer rows or columns, less nesting, aggregate, or add a LIMIT.");
            case QUERY -> rejected(ErrorCode.SYNTAX_ERROR, "PostgreSQL rejected the SQL", failure, details, null);
        };
    }

    /**
     * A failure for an error PostgreSQL raised on the SQL itself: {@code what} (SQLSTATE ...): its message, the
     * character position and hint it gave, and {@code advice} for the model when there is one.
     */
    private static QueryOutcome.Failure rejected(ErrorCode code, String what, SqlFailure failure, ObjectNode details, String advice) {
        if (failure.position() != null) {
            details.put("position", failure.position());
        }
        if (failure.hint() != null) {
            details.put("hint", failure.hint());
        }
        StringBuilder message = new StringBuilder(what).append(" (SQLSTATE ").append(failure.sqlState()).append("): ")
                .append(failure.message());
        if (failure.position() != null) {
            message.append(" at character ").append(failure.position());
        }
        if (failure.hint() != null) {
            message.append(". Hint: ").append(failure.hint());
        }
        if (advice != null) {
            message.append(". ").append(advice);
        }
        return new QueryOutcome.Failure(code, message.toString(), details);
    }

    /**
     * CONNECTION_ERROR for a database that is down: since when, the last error, when it is probed next
     * (it fails at once instead of waiting out timeouts; other databases are unaffected).
     */
    private static QueryOutcome.Failure unavailable(Target target, Availability.Down down, ObjectNode details) {
        SqlFailure last = down.lastError();
        double nextProbe = Math.ceil(down.nextProbeIn().toMillis() / 100.0) / 10.0;
        if (!last.sqlState().isEmpty()) {
            details.put("sqlstate", last.sqlState());
        }
        details.put("down_since", down.since().toString());
        details.put("last_error", last.message());
        details.put("next_probe_in_seconds", nextProbe);
        return new QueryOutcome.Failure(ErrorCode.CONNECTION_ERROR, String.format(Locale.ROOT,
                "Database '%s' (%s) is unavailable since %s (%.0f s ago): %s. pg-mcp checks it again in %.1f s; until it "
                        + "answers, calls to it fail at once. Try again later or use another database.",
                target.name(), target.config().displayTarget(), down.since(), Math.floor(down.downFor().toMillis() / 1000.0),
                last.message(), nextProbe), details);
    }

    /** The names of the configured databases, for messages. */
    public List<String> databaseNames() {
        return router.names();
    }
}
