package io.pgmcp.query;

import io.pgmcp.resilience.Admission;
import io.pgmcp.sql.RefusalDetails;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The facts of a {@link QueryOutcome.Failure} beyond its message, one record per kind, for a model
 * to act on (docs/errors.md lists them by error code). Values only: the tools write them as the
 * response's {@code details}. A {@code sqlState} is empty when the failure had none.
 */
public sealed interface FailureDetails {

    /** Nothing beyond the message. */
    record None() implements FailureDetails {}

    /** The guard or the EXPLAIN policy refused the SQL. */
    record Refused(RefusalDetails refusal) implements FailureDetails {
        public Refused {
            Objects.requireNonNull(refusal, "refusal");
        }
    }

    /** The arguments were invalid: one problem per argument. */
    record Problems(List<String> problems) implements FailureDetails {
        public Problems {
            problems = List.copyOf(problems);
        }
    }

    /** No database, or an unknown one, was named: the configured ones. */
    record AvailableDatabases(List<String> databases) implements FailureDetails {
        public AvailableDatabases {
            databases = List.copyOf(databases);
        }
    }

    /**
     * PostgreSQL (or the connection to it) failed the statement.
     *
     * @param position PostgreSQL's 1-based character position in the SQL, or null
     * @param hint     PostgreSQL's hint, or null
     */
    record DatabaseError(String database, String sqlState, Integer position, String hint) implements FailureDetails {
        public DatabaseError {
            Objects.requireNonNull(database, "database");
            Objects.requireNonNull(sqlState, "sqlState");
        }
    }

    /** Every connection of the database's pool stayed lent out while the call waited for one. */
    record PoolBusy(String database, String sqlState) implements FailureDetails {
        public PoolBusy {
            Objects.requireNonNull(database, "database");
            Objects.requireNonNull(sqlState, "sqlState");
        }
    }

    /** The statement ran into {@code server.query_timeout}. */
    record StatementTimeout(String database, String sqlState, double timeoutSeconds) implements FailureDetails {
        public StatementTimeout {
            Objects.requireNonNull(database, "database");
            Objects.requireNonNull(sqlState, "sqlState");
        }
    }

    /**
     * The database is known to be down, so the call was not tried.
     *
     * @param sqlState            the last error's SQLSTATE, else the call's
     * @param nextProbeInSeconds  when the next recovery probe runs, rounded up to a tenth of a second
     */
    record DatabaseDown(String database, String sqlState, Instant since, String lastError, double nextProbeInSeconds)
            implements
                FailureDetails {
        public DatabaseDown {
            Objects.requireNonNull(database, "database");
            Objects.requireNonNull(sqlState, "sqlState");
            Objects.requireNonNull(since, "since");
            Objects.requireNonNull(lastError, "lastError");
        }
    }

    /**
     * Not even the first row of the result fits in {@code server.max_result_bytes}.
     *
     * @param maxResultBytes the JSON size the rows had to fit in
     */
    record ResultTooLarge(String database, String sqlState, long maxResultBytes) implements FailureDetails {
        public ResultTooLarge {
            Objects.requireNonNull(database, "database");
            Objects.requireNonNull(sqlState, "sqlState");
        }
    }

    /** The database's schema could not be loaded. */
    record CatalogUnavailable(String database) implements FailureDetails {
        public CatalogUnavailable {
            Objects.requireNonNull(database, "database");
        }
    }

    /** PostgreSQL could not even plan the SQL within {@code explain_policy.timeout}. */
    record ExplainTimeout(double explainTimeoutSeconds) implements FailureDetails {}

    /**
     * The model could not be asked.
     *
     * @param reason            the kind of failure, in lower case ({@code timeout}, {@code rate_limited}...)
     * @param retryAfterSeconds when the provider said to come back, at least 1
     */
    record ModelError(String reason, OptionalLong retryAfterSeconds) implements FailureDetails {
        public ModelError {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryAfterSeconds, "retryAfterSeconds");
        }
    }

    /** The model answered {@code attempts} times without a SQL query. */
    record NoSql(int attempts) implements FailureDetails {}

    /** A rate limit or token budget refused the call. */
    record RateLimited(Admission.Refused refusal) implements FailureDetails {
        public RateLimited {
            Objects.requireNonNull(refusal, "refusal");
        }
    }
}
