package io.pgmcp.sql;

import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.ColumnInfo;
import io.pgmcp.catalog.TableInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.LateralSubSelect;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.TableFunction;

/**
 * The FROM clause of one query level: resolves each item to a {@link Relation} in the level's scope —
 * catalog tables as PostgreSQL finds them (CTEs first, then {@code pg_catalog}, then the pinned
 * allowed schemas), subqueries (LATERAL ones see earlier items), table functions with their output
 * names, joins with their ON/USING/NATURAL rules — and reports refused schemas, tables and columns.
 */
final class FromClause {
    private final QueryAnalyzer analyzer;
    private final ExpressionChecker expressions;
    private final Findings findings;
    private final AccessPolicy policy;
    private final Catalog catalog;

    FromClause(QueryAnalyzer analyzer, ExpressionChecker expressions, Findings findings, AccessPolicy policy,
            Catalog catalog) {
        this.analyzer = analyzer;
        this.expressions = expressions;
        this.findings = findings;
        this.policy = policy;
        this.catalog = catalog;
    }

    void join(Join join, Scope scope, Scope outer) {
        if (join.isApply() || join.isSemi() || join.isStraight() || join.isWindowJoin() || join.getJoinHint() != null
                || join.isGlobal()) {
            findings.unsafe("a join form that is not PostgreSQL syntax");
        }
        int before = scope.relations.size();
        from(join.getFromItem(), scope, outer);
        List<Relation> added = scope.relations.subList(before, scope.relations.size());
        if (join.isNatural()) {
            for (Relation relation : scope.relations) {
                relation.table().filter(policy::hasDeniedColumns)
                        .ifPresent(table -> findings.hiddenColumns(table.name(), "a NATURAL join over " + table.name()
                                + " may compare columns that may not be read; join with ON instead"));
            }
        }
        if (join.getUsingColumns() != null) {
            for (Column column : join.getUsingColumns()) {
                String name = Names.fold(column.getColumnName());
                boolean found = false;
                boolean readable = true;
                List<String> allowed = new ArrayList<>();
                for (Relation relation : scope.relations) {
                    if (relation.table().isEmpty()) {
                        found |= relation.hasColumn(name);
                        continue;
                    }
                    TableInfo table = relation.table().get();
                    for (String visible : relation.columns()) {
                        boolean may = policy.columnAllowed(table.schema(), table.name(),
                                relation.catalogColumn(visible));
                        if (may) {
                            allowed.add(visible);
                        }
                        if (visible.equals(name)) {
                            found = true;
                            readable &= may;
                        }
                    }
                }
                // a denied column and a missing one read alike (no oracle for hidden names)
                if (!readable || !found && added.stream().allMatch(Relation::exact)) {
                    findings.column(Names.display(name),
                            NearestNames.of(name, allowed).stream().map(Names::display).toList(), null);
                }
            }
        }
        if (join.getOnExpressions() != null) {
            for (Expression on : join.getOnExpressions()) {
                expressions.check(on, scope, ExpressionChecker.Place.OTHER);
            }
        }
    }

    /**
     * Adds a FROM item's relation(s) to {@code scope}. A plain subquery sees only the enclosing
     * levels ({@code outer}); LATERAL subqueries and function arguments also see earlier FROM items.
     */
    void from(FromItem item, Scope scope, Scope outer) {
        if (item.getPivot() != null || item.getUnPivot() != null) {
            findings.unsafe("PIVOT/UNPIVOT is not PostgreSQL syntax");
        }
        switch (item) {
            case Table table -> {
                if (table.getIndexHint() != null || table.getSqlServerHints() != null
                        || table.getFullyQualifiedName().contains("@") || table.getNameParts().size() > 3) {
                    findings.unsafe("a table hint or link that is not PostgreSQL syntax");
                }
                table(table, scope);
            }
            case LateralSubSelect lateral -> derived(lateral, lateral.getAlias(), scope, scope);
            case ParenthesedSelect subquery -> derived(subquery, subquery.getAlias(), outer, scope);
            case TableFunction function -> tableFunction(function, scope);
            case ParenthesedFromItem parenthesed -> {
                FromItem inner = parenthesed.getFromItem();
                boolean joins = parenthesed.getJoins() != null && !parenthesed.getJoins().isEmpty();
                if (!joins && inner instanceof Select select) {
                    derived(select, parenthesed.getAlias(), outer, scope);
                } else if (parenthesed.getAlias() == null) {
                    from(inner, scope, outer);
                    if (joins) {
                        for (Join join : parenthesed.getJoins()) {
                            join(join, scope, outer);
                        }
                    }
                } else {
                    findings.unsafe("an aliased parenthesised join; name the tables directly");
                }
            }
            default -> findings.unsafe("unsupported FROM item (" + item.getClass().getSimpleName() + ")");
        }
    }

    /** Resolves a table reference as PostgreSQL would and adds it; empty when it is refused. */
    Optional<Relation> table(Table table, Scope scope) {
        String name = Names.fold(table.getName());
        String schema = Names.fold(table.getSchemaName());
        String database = Names.fold(table.getDatabaseName());
        Alias alias = table.getAlias();
        String visibleName = alias != null ? Names.fold(alias.getName()) : name;
        if (database != null && !analyzer.isCurrentDatabase(database)) {
            findings.unsafe("cross-database reference " + table.getFullyQualifiedName());
            return Optional.empty();
        }
        String written = schema == null ? Names.display(name) : Names.display(schema) + "." + Names.display(name);
        if (schema == null) {
            Optional<Relation> cte = scope.cte(name);
            if (cte.isPresent()) {
                List<String> columns = rename(cte.get().columns(), aliasColumns(alias));
                Relation relation = Relation.derived(visibleName, columns, cte.get().exact(),
                        Relation.renameRows(cte.get().rows(), cte.get().columns(), columns));
                scope.relations.add(relation);
                return Optional.of(relation);
            }
            schema = resolveSchema(name);
            if (schema == null) {
                missing(written, name, visibleName, scope);
                return Optional.empty();
            }
        }
        if (!policy.schemaAllowed(schema)) {
            findings.schema(Names.display(schema));
            scope.relations.add(Relation.derived(visibleName, List.of(), false));
            return Optional.empty();
        }
        Optional<TableInfo> info = catalog.table(schema, name);
        if (info.isEmpty() || !policy.tableAllowed(schema, name)) {
            missing(written, name, visibleName, scope);
            return Optional.empty();
        }
        TableInfo found = info.get();
        List<String> columns = found.columns().stream().map(ColumnInfo::name).toList();
        List<String> renamed = aliasColumns(alias);
        if (!renamed.isEmpty() && policy.hasDeniedColumns(found)) {
            findings.hiddenColumns(found.name(), "an alias column list over " + found.name()
                    + " renames columns that may not be read; use plain column aliases instead");
        }
        Relation relation = Relation.base(visibleName, found, alias == null, rename(columns, renamed));
        scope.relations.add(relation);
        return Optional.of(relation);
    }

    /**
     * A table that does not exist or may not be read: reported as written, with the nearest tables the
     * caller may read (the same for both, so that the answer is no oracle for hidden tables).
     */
    private void missing(String written, String name, String visibleName, Scope scope) {
        List<TableInfo> visible = catalog.relations().stream().filter(t -> policy.tableAllowed(t.schema(), t.name()))
                .toList();
        findings.table(written,
                NearestNames.of(name, visible, TableInfo::name).stream().map(FromClause::display).toList());
        scope.relations.add(Relation.derived(visibleName, List.of(), false));
    }

    /** A visible table as a model should write it: bare in {@code public}, else schema-qualified. */
    static String display(TableInfo table) {
        return table.schema().equals("public")
                ? Names.display(table.name())
                : Names.display(table.schema()) + "." + Names.display(table.name());
    }

    /** The schema an unqualified relation name resolves to: pg_catalog first, then the pinned path. */
    private String resolveSchema(String name) {
        if (catalog.pgCatalogRelations().contains(name)) {
            return "pg_catalog";
        }
        for (String schema : policy.searchPath()) {
            if (catalog.table(schema, name).isPresent()) {
                return schema;
            }
        }
        return null;
    }

    private void derived(Select select, Alias alias, Scope parentForInner, Scope scope) {
        QueryAnalyzer.Output output = analyzer.select(select, parentForInner, false);
        String name = alias == null ? "" : Names.fold(alias.getName());
        List<String> columns = rename(output.names(), aliasColumns(alias));
        scope.relations.add(Relation.derived(name, columns, output.exact(),
                Relation.renameRows(output.rows(), output.names(), columns)));
    }

    /**
     * A function in FROM, or {@code ROWS FROM (f(...), g(...))}: every function is checked; the
     * relation's columns are the functions' columns side by side ({@link FunctionColumns}), then
     * {@code ordinality}, renamed by the alias column list. When a function's columns are unknown, only
     * the alias column list names columns for certain; a polymorphic function standing alone yields a
     * {@linkplain Relation#guessed() guessed} column.
     */
    private void tableFunction(TableFunction tableFunction, Scope scope) {
        if (tableFunction.getSampleClause() != null || (tableFunction.getPrefix() != null
                && !tableFunction.getPrefix().equalsIgnoreCase("LATERAL"))) {
            findings.unsafe("a clause on a function in FROM that is not PostgreSQL syntax");
        }
        List<Function> functions = tableFunction.isRowsFrom()
                ? tableFunction.getRowsFromFunctions()
                : java.util.Collections.singletonList(tableFunction.getFunction());
        if (functions == null || functions.isEmpty() || functions.contains(null)) {
            findings.unsafe("a function in FROM without a function");
            return;
        }
        Alias alias = tableFunction.getAlias();
        boolean alone = functions.size() == 1;
        String name = alias != null
                ? Names.fold(alias.getName())
                : alone ? Names.fold(functions.getFirst().getMultipartName().getLast()) : "";
        List<String> declared = aliasColumns(alias);
        List<String> columns = new ArrayList<>();
        boolean known = true;
        boolean guessed = false;
        for (Function function : functions) {
            expressions.check(function, scope, ExpressionChecker.Place.OTHER);
            String functionName = Names.fold(function.getMultipartName().getLast());
            switch (FunctionColumns.kind(function)) {
                case NAMED -> columns.addAll(FunctionColumns.named(function));
                case SCALAR -> columns.add(alone ? name : functionName);
                case POLYMORPHIC -> {
                    columns.add(alone ? name : functionName);
                    guessed = true;
                    known &= alone; // beside other functions, a row's columns would shift the others'
                }
                case UNKNOWN -> known = false;
            }
        }
        if (!known) {
            columns.clear();
            guessed = false;
        } else if ("ORDINALITY".equalsIgnoreCase(tableFunction.getWithClause())) {
            columns.add("ordinality");
        }
        columns = new ArrayList<>(rename(columns, declared));
        if (declared.size() > columns.size()) {
            columns = new ArrayList<>(declared);
        }
        if (guessed && declared.isEmpty()) {
            scope.relations.add(Relation.guessed(name, columns));
        } else {
            // the alias column list names columns PostgreSQL has for certain (it refuses a list longer than the columns)
            scope.relations.add(Relation.derived(name, columns, known || !declared.isEmpty()));
        }
    }

    private static List<String> aliasColumns(Alias alias) {
        if (alias == null || alias.getAliasColumns() == null) {
            return List.of();
        }
        return alias.getAliasColumns().stream().map(c -> Names.fold(c.name)).toList();
    }

    /** PostgreSQL's alias column list: renames the first columns, keeps the rest. */
    static List<String> rename(List<String> columns, List<String> aliases) {
        if (aliases.isEmpty()) {
            return columns;
        }
        List<String> renamed = new ArrayList<>(aliases);
        for (int i = aliases.size(); i < columns.size(); i++) {
            renamed.add(columns.get(i));
        }
        return renamed;
    }

}
