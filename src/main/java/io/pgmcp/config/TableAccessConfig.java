package io.pgmcp.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Table allow and deny lists; names are {@code table} or {@code schema.table}, kept as written. A
 * non-empty allow list wins: only the listed tables may be read. A table may not be on both lists
 * (compared case-insensitively).
 */
public record TableAccessConfig(List<String> allowed, List<String> denied) {

    public TableAccessConfig {
        allowed = List.copyOf(allowed);
        denied = List.copyOf(denied);
        for (String name : allowed) {
            requireValid(name);
        }
        for (String name : denied) {
            requireValid(name);
        }
        List<String> both = conflicts(allowed, denied);
        if (!both.isEmpty()) {
            throw new IllegalArgumentException("tables both allowed and denied: " + String.join(", ", both));
        }
    }

    public static TableAccessConfig defaults() {
        return new TableAccessConfig(List.of(), List.of());
    }

    /** {@code table} or {@code schema.table}: one or two non-blank parts (a quoted name may contain dots). */
    public static boolean isValidName(String name) {
        if (name.isBlank() || !name.strip().equals(name)) {
            return false;
        }
        if (name.indexOf('"') >= 0) {
            return true;
        }
        String[] parts = name.split("\\.", -1);
        return parts.length <= 2 && List.of(parts).stream().noneMatch(String::isBlank);
    }

    /** Whether there is any table restriction at all. */
    public boolean restricts() {
        return !allowed.isEmpty() || !denied.isEmpty();
    }

    private static List<String> conflicts(List<String> allowed, List<String> denied) {
        Set<String> allowedLower = new LinkedHashSet<>();
        allowed.forEach(name -> allowedLower.add(name.toLowerCase(Locale.ROOT)));
        List<String> both = new ArrayList<>();
        for (String name : denied) {
            if (allowedLower.contains(name.toLowerCase(Locale.ROOT)) && !both.contains(name)) {
                both.add(name);
            }
        }
        return both;
    }

    private static void requireValid(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a table name (table or schema.table)");
        }
    }
}
