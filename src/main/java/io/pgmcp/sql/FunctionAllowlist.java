package io.pgmcp.sql;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The functions a query may call: the reviewed built-ins of {@code functions.txt} (side-effect-free
 * aggregates, window, math, string, regex, date/time, JSON, array, conditional and set-returning
 * functions; one name per line with its category) plus a database's {@code functions.allowed}.
 * Everything else is refused — an unknown function is a rejection, never a pass; for PostgreSQL's
 * own functions {@code functions-excluded.txt} says why ({@link #exclusion}). Immutable.
 */
public final class FunctionAllowlist {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Map<String, String> BUILTINS = load();

    /**
     * {@code functions-excluded.txt}, read when a refusal first asks why (its ~900 entries are not needed
     * to check a query, and reading them cost ~25 ms of every start): exact names by folded name, and the
     * patterns in file order.
     */
    private static final class Excluded {
        static final List<Exclusion> ALL = loadExclusions();
        static final Map<String, Exclusion> EXACT = ALL.stream().filter(e -> !e.isPattern())
                .collect(Collectors.toUnmodifiableMap(e -> e.name().glob().toLowerCase(Locale.ROOT), e -> e,
                        (first, later) -> first));
        static final List<Exclusion> PATTERNS = ALL.stream().filter(Exclusion::isPattern).toList();
    }

    /** Why a built-in is refused: an entry of {@code functions-excluded.txt}. */
    public record Exclusion(NamePattern name, String category, String reason) {
        static final Set<String> CATEGORIES = Set.of("side_effect", "file_access", "dynamic_sql", "server_state",
                "information_leak", "resource", "internal");

        public Exclusion {
            if (!CATEGORIES.contains(category)) {
                throw new IllegalStateException(
                        "functions-excluded.txt: unknown category '" + category + "' for " + name.glob());
            }
        }

        boolean isPattern() {
            return name.glob().contains("*");
        }
    }

    private final Set<String> configured;

    /**
     * @param configured extra names from {@code access_policy.functions.allowed}: {@code name} (any
     *                   schema on the path) or {@code schema.name}
     */
    public FunctionAllowlist(List<String> configured) {
        this.configured = configured.stream().map(n -> n.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Whether a call of {@code name} (folded) with the given (folded) schema qualification is
     * allowed; matching is exact on the folded names. A built-in may be called bare or as {@code pg_catalog.name}; any other schema needs
     * a configured entry.
     */
    public boolean allows(Optional<String> schema, String name) {
        // names arrive folded as PostgreSQL folds them: a quoted "LOWER" is another function than lower
        if (schema.isEmpty()) {
            return BUILTINS.containsKey(name) || configured.contains(name);
        }
        if (schema.get().equals("pg_catalog") && BUILTINS.containsKey(name)) {
            return true;
        }
        return configured.contains(schema.get() + "." + name);
    }

    /** The category of a built-in ("aggregate", "string", ...), for messages and tests. */
    public static Optional<String> category(String name) {
        return Optional.ofNullable(BUILTINS.get(name.toLowerCase(Locale.ROOT)));
    }

    public static Set<String> builtins() {
        return BUILTINS.keySet();
    }

    /**
     * Why PostgreSQL's built-in function {@code name} is refused: its exact entry in
     * {@code functions-excluded.txt}, else the first pattern that matches; empty when none does.
     */
    public static Optional<Exclusion> exclusion(String name) {
        Exclusion exact = Excluded.EXACT.get(name.toLowerCase(Locale.ROOT));
        if (exact != null) {
            return Optional.of(exact);
        }
        return Excluded.PATTERNS.stream().filter(e -> e.name().matches(name)).findFirst();
    }

    /** Every entry of {@code functions-excluded.txt}, in file order. */
    public static List<Exclusion> exclusions() {
        return Excluded.ALL;
    }

    private static List<Exclusion> loadExclusions() {
        List<Exclusion> exclusions = new java.util.ArrayList<>();
        for (String line : lines("functions-excluded.txt")) {
            String[] parts = WHITESPACE.split(line, 3);
            if (parts.length != 3) {
                throw new IllegalStateException(
                        "functions-excluded.txt: expected 'name category reason', got: " + line);
            }
            exclusions.add(new Exclusion(NamePattern.of(parts[0]), parts[1], parts[2]));
        }
        return List.copyOf(exclusions);
    }

    /** The non-blank, non-comment lines of a resource of this package, stripped. */
    private static List<String> lines(String resource) {
        List<String> lines = new java.util.ArrayList<>();
        try (InputStream in = FunctionAllowlist.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    private static Map<String, String> load() {
        Map<String, String> names = new HashMap<>();
        for (String line : lines("functions.txt")) {
            String[] parts = WHITESPACE.split(line);
            if (parts.length != 2) {
                throw new IllegalStateException("functions.txt: expected 'name category', got: " + line);
            }
            names.put(parts[0].toLowerCase(Locale.ROOT), parts[1]);
        }
        return Map.copyOf(names);
    }
}
