package io.pgmcp.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A principal's {@code access_policy} for one database, which may only narrow the database's own policy.
 * Applied ({@link #applyTo}), the effective policy is: the overlay's schemas (each allowed by the database);
 * the overlay's table allow list (each entry allowed by the database's policy) or else the database's;
 * the union of both table deny lists and of both column deny lists and patterns; and the database's
 * {@code on_denied}, {@code select_star_policy}, {@code explain_policy} and {@code functions}, which an
 * overlay cannot set. Names compare as the guard compares them: allow entries folded as PostgreSQL folds
 * them ({@link Identifiers}), deny entries ignoring case. Immutable.
 *
 * @param allowedSchemas       the schemas, when given
 * @param allowedTables        the table allow list, when given
 * @param deniedTables         added to the database's {@code tables.denied}
 * @param deniedColumns        added to the database's {@code columns.denied}
 * @param deniedColumnPatterns added to the database's {@code columns.denied_patterns}
 */
public record PolicyOverlay(Optional<List<String>> allowedSchemas, Optional<List<String>> allowedTables,
        List<String> deniedTables, List<String> deniedColumns, List<String> deniedColumnPatterns) {

    /** One way an overlay is not a narrowing: the key under {@code access_policy} it is about, and why. */
    public record Widening(String key, String message) {
        public Widening {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return key + ": " + message;
        }
    }

    public PolicyOverlay {
        allowedSchemas = allowedSchemas.map(List::copyOf);
        allowedTables = allowedTables.map(List::copyOf);
        deniedTables = List.copyOf(deniedTables);
        deniedColumns = List.copyOf(deniedColumns);
        deniedColumnPatterns = List.copyOf(deniedColumnPatterns);
    }

    /** No overlay: the database's policy as it is. */
    public static PolicyOverlay none() {
        return new PolicyOverlay(Optional.empty(), Optional.empty(), List.of(), List.of(), List.of());
    }

    /**
     * Everything in this overlay that the database's policy {@code db} does not allow, or that would leave
     * the effective policy wider than {@code db} (an empty allow list means "everything"); empty when the
     * overlay only narrows.
     *
     * @param database the database's name, for the messages
     */
    public List<Widening> widenings(AccessPolicyConfig db, String database) {
        List<Widening> problems = new ArrayList<>();
        String by = " by database '" + database + "'";
        Set<String> dbSchemas = db.allowedSchemas().stream().map(Identifiers::fold).collect(Collectors.toSet());
        if (allowedSchemas.isPresent()) {
            List<String> schemas = allowedSchemas.get();
            if (schemas.isEmpty()) {
                problems.add(new Widening("allowed_schemas",
                        "must list at least one schema (leave it out to keep the database's)"));
            }
            for (int i = 0; i < schemas.size(); i++) {
                if (!dbSchemas.contains(Identifiers.fold(schemas.get(i)))) {
                    problems.add(new Widening("allowed_schemas[" + i + "]", "'" + schemas.get(i) + "' is not allowed"
                            + by + " (its allowed_schemas: " + db.allowedSchemas() + ")"));
                }
            }
        }
        Set<String> effectiveSchemas = allowedSchemas.orElse(db.allowedSchemas()).stream()
                .map(s -> Identifiers.fold(s).toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        Set<String> dbAllowed = db.tables().allowed().stream().map(Identifiers::foldDotted)
                .collect(Collectors.toSet());
        Set<String> dbDenied = lower(db.tables().denied());
        if (allowedTables.isPresent()) {
            List<String> tables = allowedTables.get();
            if (tables.isEmpty()) {
                problems.add(new Widening("tables.allowed", "must list at least one table (an empty list would allow"
                        + " every table; leave it out to keep the database's list)"));
            }
            for (int i = 0; i < tables.size(); i++) {
                String problem = tableProblem(tables.get(i), dbSchemas, dbAllowed, dbDenied, effectiveSchemas, by);
                if (problem != null) {
                    problems.add(new Widening("tables.allowed[" + i + "]", "'" + tables.get(i) + "' " + problem));
                }
            }
        } else if (!db.tables().allowed().isEmpty() && narrowedAllowList(db).isEmpty()) {
            problems.add(new Widening("tables.denied", "denies every table on the allow list of database '" + database
                    + "' " + db.tables().allowed() + "; give the principal no access to the database instead"));
        }
        if (problems.isEmpty()) {
            try {
                effectiveTables(db);
            } catch (IllegalArgumentException e) {
                problems.add(new Widening("tables", e.getMessage()));
            }
        }
        return problems;
    }

    /** Why a {@code tables.allowed} entry is not allowed by the database's policy, or null when it is. */
    private static String tableProblem(String entry, Set<String> dbSchemas, Set<String> dbAllowed,
            Set<String> dbDenied, Set<String> effectiveSchemas, String by) {
        String folded = Identifiers.foldDotted(entry);
        int dot = folded.indexOf('.');
        String table = dot < 0 ? folded : folded.substring(dot + 1);
        String lowerTable = table.toLowerCase(Locale.ROOT);
        if (dot >= 0) {
            if (!dbSchemas.contains(folded.substring(0, dot))) {
                return "is in a schema not allowed" + by;
            }
            if (!dbAllowed.isEmpty() && !dbAllowed.contains(folded) && !dbAllowed.contains(table)) {
                return "is not allowed" + by;
            }
            if (dbDenied.contains(lowerTable) || dbDenied.contains(folded.toLowerCase(Locale.ROOT))) {
                return "is denied" + by;
            }
            return null;
        }
        if (!dbAllowed.isEmpty() && !dbAllowed.contains(folded)) {
            return "is not allowed" + by
                    + " (an unqualified entry needs the database to allow the table unqualified too)";
        }
        for (String denied : dbDenied) {
            int d = denied.indexOf('.');
            boolean sameTable = d < 0
                    ? denied.equals(lowerTable)
                    : denied.substring(d + 1).equals(lowerTable)
                            && effectiveSchemas.contains(denied.substring(0, d));
            if (sameTable) {
                return "is denied" + by + " (as '" + denied + "')";
            }
        }
        return null;
    }

    /**
     * The effective policy: {@code db} narrowed by this overlay.
     *
     * @throws IllegalArgumentException with one line per {@link Widening} when the overlay is not a narrowing
     */
    public AccessPolicyConfig applyTo(AccessPolicyConfig db, String database) {
        List<Widening> problems = widenings(db, database);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    String.join("\n", problems.stream().map(Widening::toString).toList()));
        }
        ColumnAccessConfig columns = new ColumnAccessConfig(union(db.columns().denied(), deniedColumns),
                union(db.columns().deniedPatterns(), deniedColumnPatterns), db.columns().onDenied(),
                db.columns().selectStarPolicy());
        return new AccessPolicyConfig(allowedSchemas.orElse(db.allowedSchemas()), effectiveTables(db), columns,
                db.explainPolicy(), db.functions());
    }

    private TableAccessConfig effectiveTables(AccessPolicyConfig db) {
        return new TableAccessConfig(allowedTables.orElseGet(() -> narrowedAllowList(db)),
                union(db.tables().denied(), deniedTables));
    }

    /** The database's allow list without the entries this overlay denies (a table may not be on both lists). */
    private List<String> narrowedAllowList(AccessPolicyConfig db) {
        Set<String> denied = lower(deniedTables);
        return db.tables().allowed().stream().filter(t -> !denied.contains(t.toLowerCase(Locale.ROOT))).toList();
    }

    private static Set<String> lower(List<String> names) {
        return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    private static List<String> union(List<String> first, List<String> second) {
        Set<String> all = new LinkedHashSet<>(first);
        all.addAll(second);
        return List.copyOf(all);
    }
}
