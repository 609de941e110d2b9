package io.pgmcp.query;

import java.util.Objects;

/**
 * What one stage of the pipeline came to: the value the next stage needs, or the failure the call
 * ends with. Callers switch over it; nothing is cast.
 *
 * @param <T> what the stage produces
 */
public sealed interface Step<T> {

    /** The stage passed; {@code value} goes on to the next one. */
    record Passed<T>(T value) implements Step<T> {
        public Passed {
            Objects.requireNonNull(value, "value");
        }
    }

    /** The stage failed; the call answers with {@code failure}. */
    record Failed<T>(QueryOutcome.Failure failure) implements Step<T> {
        public Failed {
            Objects.requireNonNull(failure, "failure");
        }
    }
}
