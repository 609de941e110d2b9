package io.pgmcp.tools;

import io.pgmcp.catalog.TableInfo;
import io.pgmcp.sql.NamePattern;
import java.util.Optional;

/**
 * The {@code name_pattern} of {@code list_tables}: a glob, the same kind the access policy's
 * {@code denied_patterns} use — {@code *} any run of characters, {@code ?} one character, case
 * ignored. It matches the table name, or {@code schema.table} when it holds a dot. SQL LIKE's
 * {@code %} is refused with a hint rather than read as a literal, since a model may well write it.
 */
record TablePattern(NamePattern glob, boolean qualified) {

    /** @return the pattern, or a message saying why {@code text} is not one */
    static Either parse(String text) {
        if (text.contains("%") && !text.contains("*")) {
            return new Either(null, "'name_pattern' is a glob: use * for any run of characters and ? for one "
                    + "(not SQL LIKE's %), e.g. 'invoice*'");
        }
        return new Either(new TablePattern(NamePattern.of(text), text.contains(".")), null);
    }

    /** A pattern or the problem with it. */
    record Either(TablePattern pattern, String problem) {}

    boolean matches(TableInfo table) {
        return glob.matches(qualified ? table.qualifiedName() : table.name());
    }

    static boolean matches(Optional<TablePattern> pattern, TableInfo table) {
        return pattern.isEmpty() || pattern.get().matches(table);
    }
}
