package io.pgmcp.sql;

import io.pgmcp.config.Identifiers;
import java.util.ArrayList;
import java.util.List;

/** PostgreSQL's identifier rules as the guard needs them: quoted names are exact, unquoted ones fold ASCII to lower case. */
final class Names {

    private Names() {}

    /** The name PostgreSQL would look up for an identifier as written ({@code "Users"} → {@code Users}, {@code Users} → {@code users}). */
    static String fold(String written) {
        return Identifiers.fold(written);
    }

    /** Folds every part of a dotted name as JSQLParser split it. */
    static List<String> foldAll(List<String> parts) {
        List<String> folded = new ArrayList<>(parts.size());
        for (String part : parts) {
            if (part != null && !part.isEmpty()) {
                folded.add(fold(part));
            }
        }
        return folded;
    }

    /** A name as a model should write it back: bare when that folds to itself, quoted otherwise. */
    static String display(String name) {
        boolean plain = !name.isEmpty() && (Character.isLowerCase(name.charAt(0)) || name.charAt(0) == '_');
        for (int i = 0; plain && i < name.length(); i++) {
            char c = name.charAt(i);
            plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        }
        return plain ? name : '"' + name.replace("\"", "\"\"") + '"';
    }
}
