package io.pgmcp.sql;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * What the analysis found wrong with a query, collected (not thrown) so that one answer names every
 * denied item. Turned into a {@link Verdict.Denied} with the most serious reason first: unsafe SQL,
 * then schemas, tables, columns.
 */
final class Findings {
    private final List<String> unsafe = new ArrayList<>();
    private String unsafeFunction;
    private final Set<String> schemas = new LinkedHashSet<>();
    private final Set<String> tables = new LinkedHashSet<>();
    private final Set<String> unknownTables = new LinkedHashSet<>();
    private final Set<String> columns = new LinkedHashSet<>();
    private final Set<String> unknownColumns = new LinkedHashSet<>();
    private final List<String> columnReasons = new ArrayList<>();
    private boolean selectStar;
    /** Select items that are nothing but a denied column: {@code on_denied: filter} may drop them. */
    final List<SelectItem<?>> filterable = new ArrayList<>();
    /** Denied column uses that are not filterable select items. */
    int unfilterableColumnDenials;

    void unsafe(String message) {
        unsafe.add(message);
    }

    /** A call of a function that is not allowed; {@code why} is the reason when it is a refused built-in. */
    void function(String name, Optional<FunctionAllowlist.Exclusion> why) {
        if (unsafeFunction == null) {
            unsafeFunction = name;
        }
        unsafe.add("function " + name + "() is not allowed (" + why.map(e -> e.category().replace('_', ' ') + ": " + e.reason())
                .orElse("it is not on the list of side-effect-free functions") + ")");
    }

    void schema(String schema) {
        schemas.add(schema);
    }

    void table(String qualifiedName) {
        tables.add(qualifiedName);
    }

    void unknownTable(String name) {
        unknownTables.add(name);
    }

    void column(String qualifiedColumn, String reason, SelectItem<?> filterableItem) {
        columns.add(qualifiedColumn);
        if (reason != null) {
            columnReasons.add(reason);
        }
        if (filterableItem != null) {
            filterable.add(filterableItem);
        } else {
            unfilterableColumnDenials++;
        }
    }

    /**
     * A use of a table's columns that would include denied ones the query did not name (whole-row
     * reference, alias column list, NATURAL join): reported by table, without the hidden names.
     */
    void hiddenColumns(String table, String reason) {
        columns.add(table + ".*");
        columnReasons.add(reason);
        unfilterableColumnDenials++;
    }

    void selectStar() {
        selectStar = true;
    }

    void unknownColumn(String name) {
        unknownColumns.add(name);
    }

    boolean any() {
        return !unsafe.isEmpty() || !schemas.isEmpty() || !tables.isEmpty() || !unknownTables.isEmpty()
                || !columns.isEmpty() || !unknownColumns.isEmpty() || selectStar;
    }

    boolean onlyColumnDenials() {
        return unsafe.isEmpty() && schemas.isEmpty() && tables.isEmpty() && unknownTables.isEmpty() && unknownColumns.isEmpty();
    }

    /** The verdict for these findings; call only when {@link #any()}. */
    Verdict.Denied verdict(List<String> visibleTables) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        if (!unsafe.isEmpty()) {
            if (unsafeFunction != null) {
                details.put("function", unsafeFunction);
            }
            return new Verdict.Denied(Verdict.Reason.UNSAFE_SQL, "Not allowed: " + String.join("; ", unsafe)
                    + ". Only one read-only SELECT (or WITH ... SELECT, VALUES, TABLE) using side-effect-free functions is allowed.", details);
        }
        if (!schemas.isEmpty()) {
            array(details, "denied_schemas", schemas);
            return new Verdict.Denied(Verdict.Reason.SCHEMA_ACCESS_DENIED, "Access to schema(s) " + String.join(", ", schemas)
                    + " is not allowed. Use only the tables listed in the schema resource.", details);
        }
        if (!tables.isEmpty() || !unknownTables.isEmpty()) {
            Set<String> all = new LinkedHashSet<>(tables);
            all.addAll(unknownTables);
            array(details, "denied_tables", all);
            array(details, "available_tables", visibleTables);
            return new Verdict.Denied(Verdict.Reason.TABLE_ACCESS_DENIED, "Table(s) " + String.join(", ", all)
                    + " do not exist or may not be read. Available tables: " + String.join(", ", visibleTables) + ".", details);
        }
        Set<String> all = new LinkedHashSet<>(columns);
        all.addAll(unknownColumns);
        array(details, "denied_columns", all);
        details.put("is_select_star", selectStar);
        StringBuilder message = new StringBuilder();
        if (!columns.isEmpty()) {
            List<String> named = columns.stream().filter(c -> !c.endsWith(".*")).toList();
            if (!named.isEmpty()) {
                message.append("Column(s) ").append(String.join(", ", named)).append(" may not be read or referenced anywhere in the query");
            }
        }
        if (!unknownColumns.isEmpty()) {
            message.append(message.isEmpty() ? "" : ". ").append("Column(s) ").append(String.join(", ", unknownColumns))
                    .append(" do not exist or are not accessible");
        }
        for (String reason : new LinkedHashSet<>(columnReasons)) {
            message.append(message.isEmpty() ? "" : ". ").append(Character.toUpperCase(reason.charAt(0))).append(reason.substring(1));
        }
        message.append(". Name only the allowed columns (see the schema resource).");
        return new Verdict.Denied(Verdict.Reason.COLUMN_ACCESS_DENIED, message.toString(), details);
    }

    private static void array(ObjectNode details, String name, Iterable<String> values) {
        ArrayNode array = details.putArray(name);
        values.forEach(array::add);
    }
}
