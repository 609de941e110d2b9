package io.pgmcp.config;

import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's folding of identifiers as written in the configuration: a quoted name is exact, an unquoted
 * one folds ASCII letters to lower case. The one implementation, shared by the guard's policy and by the
 * check that a principal's policy only narrows its database's, so the two cannot disagree.
 */
public final class Identifiers {

    private Identifiers() {}

    /** The name PostgreSQL would look up for an identifier as written ({@code "Users"} → {@code Users}, {@code Users} → {@code users}). */
    public static String fold(String written) {
        if (written == null) {
            return null;
        }
        if (written.length() >= 2 && written.charAt(0) == '"' && written.charAt(written.length() - 1) == '"') {
            return written.substring(1, written.length() - 1).replace("\"\"", "\"");
        }
        StringBuilder folded = null;
        for (int i = 0; i < written.length(); i++) {
            char c = written.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (folded == null) {
                    folded = new StringBuilder(written);
                }
                folded.setCharAt(i, (char) (c + ('a' - 'A')));
            }
        }
        return folded == null ? written : folded.toString();
    }

    /** Each dot-separated part of {@code name} folded ({@code public."Orders"} → {@code public.Orders}). */
    public static String foldDotted(String name) {
        List<String> parts = new ArrayList<>();
        for (String part : name.split("\\.")) {
            parts.add(fold(part));
        }
        return String.join(".", parts);
    }
}
