package io.pgmcp.query;

import io.pgmcp.db.Availability;
import io.pgmcp.db.Database;
import io.pgmcp.db.DatabaseDownException;
import io.pgmcp.db.PoolTimeoutException;
import io.pgmcp.db.RoleUnavailableException;
import io.pgmcp.db.SqlFailure;
import io.pgmcp.db.DatabaseException;
import java.time.Duration;
import java.util.Locale;

/**
 * Words every failure of a database as a {@link QueryOutcome.Failure} a model can act on: the error
 * code by {@link SqlFailure.Kind} (never by message text), the message with the state that explains
 * it (since when a database is down, how long the pool was waited for, PostgreSQL's position and hint),
 * and the details. The one place the pipeline words a database's failures. Immutable.
 */
public final class DatabaseFailures {
    private static final String CANCELLED = "The call was cancelled.";
    private static final String TOO_LARGE_ADVICE = "Select fewer or narrower columns, shorten long values "
            + "(left(column, 200), substr(column, 1, 200)), or add a LIMIT.";

    private final Duration queryTimeout;

    /** @param queryTimeout {@code server.query_timeout}, named when a statement runs into it */
    public DatabaseFailures(Duration queryTimeout) {
        this.queryTimeout = java.util.Objects.requireNonNull(queryTimeout, "queryTimeout");
    }

    /** The failure for a call the client cancelled while it waited (not in the database). */
    public static QueryOutcome.Failure cancelled() {
        return new QueryOutcome.Failure(ErrorCode.INTERNAL_ERROR, CANCELLED, new FailureDetails.None());
    }

    /** The failure when PostgreSQL's plan for a query cannot be read. */
    public static QueryOutcome.Failure unreadablePlan() {
        return new QueryOutcome.Failure(ErrorCode.INTERNAL_ERROR,
                "pg-mcp could not read PostgreSQL's plan for this query.",
                new FailureDetails.None());
    }

    /**
     * The failure of asking for a plan: running into {@code explainTimeout} makes the query too expensive;
     * anything else is worded as by {@link #of}.
     */
    public QueryOutcome.Failure ofExplain(Target target, DatabaseException e, Duration explainTimeout) {
        if (SqlFailure.of(e, false).kind() == SqlFailure.Kind.TIMEOUT) {
            return new QueryOutcome.Failure(ErrorCode.QUERY_TOO_EXPENSIVE,
                    "PostgreSQL could not even plan this query within the EXPLAIN timeout; simplify it.",
                    new FailureDetails.ExplainTimeout(explainTimeout.toMillis() / 1000.0));
        }
        return of(target, e);
    }

    /** Maps a PostgreSQL or pool error of {@code target} onto an {@link ErrorCode}, with its message and details. */
    public QueryOutcome.Failure of(Target target, DatabaseException e) {
        SqlFailure failure = SqlFailure.of(e, e instanceof Database.CancelledException);
        String database = target.name();
        if (e instanceof DatabaseDownException down) {
            return unavailable(target, down.down(), failure.sqlState());
        }
        if (e instanceof PoolTimeoutException busy) {
            // every connection is lent out: the database answers, pg-mcp is at its max_pool_size
            return new QueryOutcome.Failure(ErrorCode.CONNECTION_ERROR, String.format(Locale.ROOT,
                    "Database '%s' is busy: all %d of its connections were in use for %.1f s (%s). Try again in a moment.",
                    database, busy.stats().total(), busy.waited().toMillis() / 1000.0, busy.stats()),
                    new FailureDetails.PoolBusy(database, failure.sqlState()));
        }
        if (e instanceof RoleUnavailableException) {
            // the role's name is configuration, not the caller's business
            return new QueryOutcome.Failure(ErrorCode.CONFIGURATION_ERROR, "pg-mcp could not assume the PostgreSQL"
                    + " role configured for this caller on database '" + database + "' (SQLSTATE "
                    + failure.sqlState() + "), so nothing ran. An administrator must create the role and grant it to"
                    + " pg-mcp's login role, or correct the principals configuration.",
                    new FailureDetails.DatabaseError(database, failure.sqlState(), null, null));
        }
        if (e instanceof Database.ResultTooLargeException tooLarge) {
            return resultTooLarge(database, failure.sqlState(), tooLarge.maxBytes());
        }
        FailureDetails.DatabaseError details = new FailureDetails.DatabaseError(database, failure.sqlState(), null,
                null);
        return switch (failure.kind()) {
            case TIMEOUT -> new QueryOutcome.Failure(ErrorCode.EXECUTION_TIMEOUT, String.format(Locale.ROOT,
                    "The query was stopped after the %.1f s statement timeout. Make it cheaper: filter on indexed "
                            + "columns, aggregate, or add a LIMIT.",
                    queryTimeout.toMillis() / 1000.0),
                    new FailureDetails.StatementTimeout(database, failure.sqlState(),
                            queryTimeout.toMillis() / 1000.0));
            case CANCELLED -> new QueryOutcome.Failure(ErrorCode.INTERNAL_ERROR, CANCELLED, details);
            case CONNECTION -> new QueryOutcome.Failure(ErrorCode.CONNECTION_ERROR, "Database '" + database
                    + "' (" + target.config().displayTarget() + ") is unreachable: " + failure.message(), details);
            case LOGIN_REJECTED -> new QueryOutcome.Failure(ErrorCode.CONNECTION_ERROR, "Database '" + database
                    + "' (" + target.config().displayTarget() + ") refused pg-mcp's connection (SQLSTATE "
                    + failure.sqlState()
                    + "): " + failure.message()
                    + ". Check the database's connection settings in pg-mcp's configuration.",
                    details);
            case READ_ONLY_VIOLATION -> new QueryOutcome.Failure(ErrorCode.UNSAFE_SQL,
                    "PostgreSQL refused to write: pg-mcp runs every query in a read-only transaction. "
                            + failure.message(),
                    details);
            case PERMISSION -> new QueryOutcome.Failure(ErrorCode.TABLE_ACCESS_DENIED,
                    "The database role may not read this: " + failure.message(), details);
            case DATA -> rejected(ErrorCode.DATA_ERROR, "PostgreSQL could not compute the result", database, failure,
                    "Guard the expression against such values (e.g. NULLIF for a divisor, a CASE before a cast) or filter them out.");
            case RESOURCES ->
                rejected(ErrorCode.RESOURCE_ERROR, "PostgreSQL ran out of resources or hit a limit", database, failure,
                        "Make the query smaller: fewer rows or columns, less nesting, aggregate, or add a LIMIT.");
            case RESULT_TOO_LARGE -> new QueryOutcome.Failure(ErrorCode.RESULT_TOO_LARGE,
                    "The result is too large: " + failure.message() + ". " + TOO_LARGE_ADVICE, details);
            case QUERY -> rejected(ErrorCode.SYNTAX_ERROR, "PostgreSQL rejected the SQL", database, failure, null);
        };
    }

    /** RESULT_TOO_LARGE: the limit, and how to ask for a result that fits. */
    private static QueryOutcome.Failure resultTooLarge(String database, String sqlState, long maxBytes) {
        return new QueryOutcome.Failure(ErrorCode.RESULT_TOO_LARGE, String.format(Locale.ROOT,
                "The result is too large: its first rows are over max_result_bytes (%d bytes as JSON; one row "
                        + "may be too large by itself), so no rows could be returned. %s",
                maxBytes, TOO_LARGE_ADVICE),
                new FailureDetails.ResultTooLarge(database, sqlState, maxBytes));
    }

    /**
     * A failure for an error PostgreSQL raised on the SQL itself: {@code what} (SQLSTATE ...): its message, the
     * character position and hint it gave, and {@code advice} for the model when there is one.
     */
    private static QueryOutcome.Failure rejected(ErrorCode code, String what, String database, SqlFailure failure,
            String advice) {
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
        return new QueryOutcome.Failure(code, message.toString(),
                new FailureDetails.DatabaseError(database, failure.sqlState(), failure.position(), failure.hint()));
    }

    /**
     * CONNECTION_ERROR for a database that is down: since when, the last error, when it is probed next
     * (it fails at once instead of waiting out timeouts; other databases are unaffected).
     */
    private static QueryOutcome.Failure unavailable(Target target, Availability.Down down, String callSqlState) {
        SqlFailure last = down.lastError();
        double nextProbe = Math.ceil(down.nextProbeIn().toMillis() / 100.0) / 10.0;
        String sqlState = last.sqlState().isEmpty() ? callSqlState : last.sqlState();
        return new QueryOutcome.Failure(ErrorCode.CONNECTION_ERROR, String.format(Locale.ROOT,
                "Database '%s' (%s) is unavailable since %s (%.0f s ago): %s. pg-mcp checks it again in %.1f s; until it "
                        + "answers, calls to it fail at once. Try again later or use another database.",
                target.name(), target.config().displayTarget(), down.since(),
                Math.floor(down.downFor().toMillis() / 1000.0),
                last.message(), nextProbe),
                new FailureDetails.DatabaseDown(target.name(), sqlState, down.since(), last.message(), nextProbe));
    }
}
