package io.pgmcp.query;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the database a call is about: the named one, or the only one when exactly one is
 * configured; an unknown name is {@code UNKNOWN_DATABASE} and an omitted name among several is
 * {@code AMBIGUOUS_QUERY}, both listing the databases. Immutable.
 */
public final class DatabaseRouter {
    private final Map<String, Target> targets = new LinkedHashMap<>();

    public DatabaseRouter(List<Target> targets) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("at least one database is required");
        }
        for (Target target : targets) {
            if (this.targets.put(target.name(), target) != null) {
                throw new IllegalArgumentException("duplicate database name: " + target.name());
            }
        }
    }

    public List<Target> all() {
        return List.copyOf(targets.values());
    }

    public List<String> names() {
        return List.copyOf(targets.keySet());
    }

    /** The target, or a failure naming the available databases. */
    public Step<Target> resolve(Optional<String> name) {
        if (name.isEmpty()) {
            if (targets.size() == 1) {
                return new Step.Passed<>(targets.values().iterator().next());
            }
            return new Step.Failed<>(new QueryOutcome.Failure(ErrorCode.AMBIGUOUS_QUERY,
                    "Several databases are configured; say which one with the 'database' argument: "
                            + String.join(", ", targets.keySet()),
                    available()));
        }
        Target target = targets.get(name.get());
        if (target == null) {
            return new Step.Failed<>(new QueryOutcome.Failure(ErrorCode.UNKNOWN_DATABASE,
                    "Unknown database '" + name.get() + "'. Available: " + String.join(", ", targets.keySet()),
                    available()));
        }
        return new Step.Passed<>(target);
    }

    private FailureDetails available() {
        return new FailureDetails.AvailableDatabases(names());
    }
}
