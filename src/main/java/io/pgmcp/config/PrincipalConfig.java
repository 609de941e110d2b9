package io.pgmcp.config;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One {@code principals} entry: a caller (or group of callers) of the http transport, how it is recognised,
 * and the databases it may use, each with its role and effective policy. A caller is the first entry, in
 * file order, whose {@link PrincipalMatch} matches ({@link #firstMatch}).
 *
 * @param name      a label for metrics and logs: 1-64 of {@code [A-Za-z0-9._-]}, unique
 * @param databases at least one, each a configured database, none twice
 */
public record PrincipalConfig(String name, PrincipalMatch match, List<PrincipalDatabase> databases) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public PrincipalConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        databases = List.copyOf(databases);
        if (!isValidName(name)) {
            throw new IllegalArgumentException("name '" + name + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (databases.isEmpty()) {
            throw new IllegalArgumentException("databases: at least one database is required");
        }
        Set<String> seen = new HashSet<>();
        for (PrincipalDatabase database : databases) {
            if (!seen.add(database.name())) {
                throw new IllegalArgumentException("databases: '" + database.name() + "' is listed twice");
            }
        }
    }

    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
    }

    /** The entry for {@code database}, if this principal may use it. */
    public Optional<PrincipalDatabase> database(String database) {
        return databases.stream().filter(d -> d.name().equals(database)).findFirst();
    }

    /** The first principal, in file order, whose match {@code matches}: the one a caller is. */
    public static Optional<PrincipalConfig> firstMatch(List<PrincipalConfig> principals,
            Predicate<PrincipalMatch> matches) {
        return principals.stream().filter(p -> matches.test(p.match())).findFirst();
    }
}
