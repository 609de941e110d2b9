package io.pgmcp.sql;

import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Function;

/**
 * What columns a function in FROM yields, by PostgreSQL's rules for a function in FROM
 * (addRangeTableEntryForFunction): a function of a base type (scalar, array, range, enum) yields one
 * column, named after its single named OUT parameter, else after the alias when the function stands
 * alone, else after the function; a function with OUT parameters yields those; a function of a row
 * type yields that row's columns. Only PostgreSQL's own functions are known here; FunctionCatalogTest
 * checks the lists against {@code pg_proc}. Stateless.
 */
final class FunctionColumns {

    /** How the columns of one function in FROM are known. */
    enum Kind {
        /** One column of a base type: its name is the alias or the function's name. */
        SCALAR,
        /** The columns of {@link #NAMED_OUTPUTS}. */
        NAMED,
        /**
         * A polymorphic result ({@code unnest(anyarray)}, {@code coalesce(...)}, ...): one column like
         * {@link #SCALAR} unless the argument is of a row type, which the guard cannot see; then the
         * columns are the row's. The one column is a guess.
         */
        POLYMORPHIC,
        /** Not a built-in, or a built-in returning {@code record} (it needs a column definition list). */
        UNKNOWN
    }

    /** Built-ins whose columns are their OUT parameters, in order (for every overload). */
    static final Map<String, List<String>> NAMED_OUTPUTS = Map.of(
            "json_each", List.of("key", "value"), "jsonb_each", List.of("key", "value"),
            "json_each_text", List.of("key", "value"), "jsonb_each_text", List.of("key", "value"),
            "json_array_elements", List.of("value"), "jsonb_array_elements", List.of("value"),
            "json_array_elements_text", List.of("value"), "jsonb_array_elements_text", List.of("value"));

    /**
     * Built-ins that may return a row type: an overload returns {@code anyelement} (or another
     * polymorphic element type), or one of several overloads returns a row ({@code unnest(tsvector)});
     * and the syntax functions whose type is their arguments' common type.
     */
    static final Set<String> POLYMORPHIC_OUTPUTS = Set.of("unnest", "lower", "upper", "json_populate_record",
            "json_populate_recordset", "jsonb_populate_record", "jsonb_populate_recordset", "coalesce", "greatest",
            "least",
            "nullif");

    /** Built-ins returning {@code record} without OUT parameters: the caller must list the columns. */
    static final Set<String> RECORD_OUTPUTS = Set.of("json_to_record", "json_to_recordset", "jsonb_to_record",
            "jsonb_to_recordset");

    private FunctionColumns() {}

    /** How the columns of {@code function}, standing in FROM, are known. */
    static Kind kind(Function function) {
        List<String> name = Names.foldAll(function.getMultipartName());
        boolean builtin = name.size() == 1 || name.size() == 2 && name.getFirst().equals("pg_catalog");
        String simple = name.isEmpty() ? "" : name.getLast();
        if (!builtin || !FunctionAllowlist.builtins().contains(simple) || RECORD_OUTPUTS.contains(simple)) {
            return Kind.UNKNOWN;
        }
        if (NAMED_OUTPUTS.containsKey(simple)) {
            return Kind.NAMED;
        }
        if (simple.equals("unnest") && function.getParameters() != null && function.getParameters().size() > 1) {
            return Kind.UNKNOWN; // unnest(a, b) in FROM is ROWS FROM (unnest(a), unnest(b))
        }
        return POLYMORPHIC_OUTPUTS.contains(simple) ? Kind.POLYMORPHIC : Kind.SCALAR;
    }

    /** The columns of a {@link Kind#NAMED} function. */
    static List<String> named(Function function) {
        return NAMED_OUTPUTS.get(Names.fold(function.getMultipartName().getLast()));
    }
}
