package io.pgmcp.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * Resolves column and whole-row references against the {@link Scope} chain the way PostgreSQL does
 * (innermost level first; ORDER BY sees output names first, GROUP BY input columns first; a column
 * name wins over a table name) and reports columns that cannot be resolved or may not be read (alike,
 * as written, with the nearest allowed names) and whole-row references to tables with denied columns.
 */
final class ColumnResolver {

    /** SQL value functions that JSQLParser reads as column names when written without parentheses. */
    private static final Set<String> VALUE_KEYWORDS = Set.of("current_date", "current_time", "current_timestamp",
            "localtime", "localtimestamp", "current_user", "session_user", "user", "current_role", "current_catalog",
            "current_schema", "true", "false", "null");

    private final QueryAnalyzer analyzer;
    private final ExpressionChecker expressions;
    private final Findings findings;
    private final AccessPolicy policy;

    ColumnResolver(QueryAnalyzer analyzer, ExpressionChecker expressions, Findings findings, AccessPolicy policy) {
        this.analyzer = analyzer;
        this.expressions = expressions;
        this.findings = findings;
        this.policy = policy;
    }

    void column(Column column, Scope scope, ExpressionChecker.Place place, SelectItem<?> item) {
        if (column.getArrayConstructor() != null) {
            expressions.checkAll(column.getArrayConstructor().getExpressions(), scope, ExpressionChecker.Place.OTHER);
        }
        List<String> qualifier = column.getTable() == null
                ? List.of()
                : Names.foldAll(qualifierParts(column));
        String name = Names.fold(column.getColumnName());
        if (qualifier.isEmpty()) {
            bareColumn(column, name, scope, place, item);
        } else {
            qualifiedColumn(column, qualifier, name, scope, item);
        }
    }

    private static List<String> qualifierParts(Column column) {
        return tableParts(column.getTable());
    }

    static List<String> tableParts(net.sf.jsqlparser.schema.Table table) {
        ArrayList<String> parts = new ArrayList<>(3);
        if (table.getDatabaseName() != null) {
            parts.add(table.getDatabaseName());
        }
        if (table.getSchemaName() != null) {
            parts.add(table.getSchemaName());
        }
        if (table.getName() != null) {
            parts.add(table.getName());
        }
        return parts;
    }

    /**
     * A bare name, resolved as PostgreSQL's transformColumnRef does: a column of the innermost level that
     * has one (in GROUP BY, this level's output name comes right after this level's columns); only when
     * no level has such a column, the whole row of the innermost relation of that name. A
     * {@linkplain Relation#guessed() guessed} column may not be there: the name is then resolved on as if
     * it were not, and accepted if that finds nothing (both readings are checked).
     */
    private void bareColumn(Column column, String name, Scope scope, ExpressionChecker.Place place,
            SelectItem<?> item) {
        if (place == ExpressionChecker.Place.ORDER_BY && scope.outputNames.contains(name)) {
            return;
        }
        boolean guessed = false;
        for (Scope level = scope; level != null; level = level.parent) {
            boolean found = false;
            boolean readable = true;
            boolean inexact = false;
            for (Relation relation : level.relations) {
                if (relation.hasColumn(name) && relation.guessed()) {
                    guessed = true;
                } else if (relation.hasColumn(name)) {
                    found = true;
                    readable &= readable(relation, name);
                } else if (!relation.exact()) {
                    inexact = true;
                }
            }
            if (found) {
                if (!readable) {
                    missing(Names.display(name), name, relationsInScope(scope), item);
                }
                return;
            }
            if (inexact) {
                findings.column(name + " (qualify it with its table alias)");
                return;
            }
            if (place == ExpressionChecker.Place.GROUP_BY && level == scope && scope.outputNames.contains(name)) {
                return;
            }
        }
        for (Scope level = scope; level != null; level = level.parent) {
            Optional<Relation> whole = level.relation(name);
            if (whole.isPresent()) {
                if (column.getArrayConstructor() == null) {
                    wholeRow(whole.get(), "a bare table name");
                    return;
                }
                break; // a whole row cannot be subscripted
            }
        }
        if (guessed) {
            return;
        }
        if (VALUE_KEYWORDS.contains(name) && !column.getColumnName().startsWith("\"")) {
            return;
        }
        missing(Names.display(name), name, relationsInScope(scope), item);
    }

    private void qualifiedColumn(Column column, List<String> qualifier, String name, Scope scope, SelectItem<?> item) {
        Optional<Relation> relation = findRelation(qualifier, scope);
        if (relation.isEmpty()) {
            findings.column(
                    String.join(".", qualifier.stream().map(Names::display).toList()) + "." + Names.display(name));
            return;
        }
        Relation r = relation.get();
        String written = Names.display(r.name()) + "." + Names.display(name);
        if (!r.hasColumn(name) && !r.exact() && !expressions.isAllowedFunction(name)) {
            // on a row without that column, PostgreSQL reads s.c as the call c(s) (functional notation)
            findings.column(written + " (the columns of " + Names.display(r.name())
                    + " are not known; where it has no column "
                    + Names.display(name) + " PostgreSQL calls a function " + Names.display(name) + "() on its row)");
            return;
        }
        if (r.guessed()) {
            // on a row without that column, PostgreSQL reads u.c as the call c(u) (functional notation)
            findings.column(
                    written + " (the function may return a row without that column; write " + Names.display(name)
                            + " alone, or name the column in an alias list: AS " + Names.display(r.name()) + "(c))");
            return;
        }
        if (r.hasColumn(name) ? !readable(r, name) : r.exact()) {
            missing(written, name, List.of(r), item);
        }
    }

    /**
     * A column that does not exist or may not be read — the two are reported alike, with the nearest
     * allowed columns of {@code relations} (catalog tables only: a derived relation's names may have
     * come from a {@code *} over hidden columns).
     */
    private void missing(String written, String name, List<Relation> relations, SelectItem<?> item) {
        List<String> allowed = new ArrayList<>();
        for (Relation relation : relations) {
            relation.table().ifPresent(table -> relation.columns().stream()
                    .filter(visible -> policy.columnAllowed(table.schema(), table.name(),
                            relation.catalogColumn(visible)))
                    .forEach(allowed::add));
        }
        findings.column(written, NearestNames.of(name, allowed).stream().map(Names::display).toList(), item);
    }

    private static List<Relation> relationsInScope(Scope scope) {
        List<Relation> relations = new ArrayList<>();
        for (Scope level = scope; level != null; level = level.parent) {
            relations.addAll(level.relations);
        }
        return relations;
    }

    /** The relation a qualifier names: {@code alias}, {@code schema.table} or {@code db.schema.table}. */
    Optional<Relation> findRelation(List<String> qualifier, Scope scope) {
        String name = qualifier.getLast();
        Optional<String> schema = qualifier.size() >= 2
                ? Optional.of(qualifier.get(qualifier.size() - 2))
                : Optional.empty();
        if (qualifier.size() >= 3 && !analyzer.isCurrentDatabase(qualifier.get(qualifier.size() - 3))) {
            findings.unsafe("cross-database reference " + String.join(".", qualifier));
            return Optional.empty();
        }
        for (Scope level = scope; level != null; level = level.parent) {
            for (Relation relation : level.relations) {
                if (!relation.name().equals(name)) {
                    continue;
                }
                if (schema.isEmpty() || relation.qualified()
                        && relation.table().map(t -> t.schema().equals(schema.get())).orElse(false)) {
                    return Optional.of(relation);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The fields of the row a column holds ({@link Relation#rows}), when the column resolves for
     * certain to one relation that knows them. Reports nothing.
     */
    Optional<List<String>> rowColumnFields(Column column, Scope scope) {
        String name = Names.fold(column.getColumnName());
        if (column.getTable() != null) {
            return findRelation(Names.foldAll(qualifierParts(column)), scope)
                    .filter(r -> !r.guessed() && r.hasColumn(name)).map(r -> r.rows().get(name));
        }
        for (Scope level = scope; level != null; level = level.parent) {
            List<Relation> having = level.relations.stream().filter(r -> r.hasColumn(name)).toList();
            if (!having.isEmpty()) {
                boolean certain = having.size() == 1 && !having.getFirst().guessed();
                return certain ? Optional.ofNullable(having.getFirst().rows().get(name)) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Whether a column of a relation may be read: any column of a derived relation, the allowed ones of a catalog table. */
    private boolean readable(Relation relation, String visibleName) {
        return relation.table()
                .map(table -> policy.columnAllowed(table.schema(), table.name(), relation.catalogColumn(visibleName)))
                .orElse(true);
    }

    /** Whether a bare name reads a whole row: no level has a column of that name, and some level a relation. */
    boolean resolvesToRelationOnly(String name, Scope scope) {
        for (Scope level = scope; level != null; level = level.parent) {
            for (Relation relation : level.relations) {
                if (relation.hasColumn(name)) {
                    return false;
                }
            }
        }
        for (Scope level = scope; level != null; level = level.parent) {
            if (level.relation(name).isPresent()) {
                return true;
            }
        }
        return false;
    }

    void wholeRow(net.sf.jsqlparser.schema.Table table, Scope scope, String form) {
        List<String> qualifier = Names.foldAll(tableParts(table));
        Optional<Relation> relation = qualifier.isEmpty() ? Optional.empty() : findRelation(qualifier, scope);
        if (relation.isEmpty()) {
            findings.column(table.getFullyQualifiedName() + ".*");
            return;
        }
        wholeRow(relation.get(), form);
    }

    void wholeRow(String bareName, Scope scope, String form) {
        Optional<Relation> relation = findRelation(List.of(Names.fold(bareName)), scope);
        if (relation.isEmpty()) {
            findings.column(bareName);
            return;
        }
        wholeRow(relation.get(), form);
    }

    /**
     * A whole-row reference reads every column of the relation. Refused when the table has denied
     * columns; the message names the table, never the hidden columns (the model did not write them).
     */
    void wholeRow(Relation relation, String form) {
        relation.table().filter(policy::hasDeniedColumns).ifPresent(table -> findings.hiddenColumns(table.name(),
                "a whole-row reference (" + form + ") to " + table.name() + " reads columns that may not be read; "
                        + "name the allowed columns instead"));
    }

}
