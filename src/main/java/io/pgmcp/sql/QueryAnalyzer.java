package io.pgmcp.sql;

import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.ColumnInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.CaseExpression;
import net.sf.jsqlparser.expression.ArrayConstructor;
import net.sf.jsqlparser.expression.DateUnitExpression;
import net.sf.jsqlparser.expression.ExtractExpression;
import net.sf.jsqlparser.expression.IntervalExpression;
import net.sf.jsqlparser.expression.RowConstructor;
import net.sf.jsqlparser.expression.RowGetExpression;
import net.sf.jsqlparser.expression.TimeKeyExpression;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.WindowDefinition;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.Distinct;
import net.sf.jsqlparser.statement.select.GroupByElement;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.TableStatement;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.select.WithCycleClause;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.select.WithSearchClause;

/**
 * Walks a parsed query, clause by clause, default-deny: every relation is resolved against the
 * catalog the way PostgreSQL resolves it (CTEs shadow tables, {@code pg_catalog} comes first on the
 * path, then the pinned allowed schemas), every clause that could write, lock or leave the query
 * ({@code INTO}, {@code FOR UPDATE}, data-modifying CTEs, non-PostgreSQL dialect clauses) is
 * refused, and expressions go to the {@link ExpressionChecker}. Findings are collected, not thrown.
 * One instance analyses one statement; not thread-safe.
 */
final class QueryAnalyzer {

    /**
     * The column names a query level produces, whether they are known for certain, and the fields of the
     * columns that hold a whole row ({@link Relation#rows}).
     */
    record Output(List<String> names, boolean exact, Map<String, List<String>> rows) {
        Output(List<String> names, boolean exact) {
            this(names, exact, Map.of());
        }
    }

    private final Catalog catalog;
    private final AccessPolicy policy;
    private final String databaseName;
    private final Findings findings;
    private final ExpressionChecker expressions;
    private final StarRewrite stars;
    private final FromClause fromClause;

    QueryAnalyzer(Catalog catalog, AccessPolicy policy, FunctionAllowlist functions, String databaseName,
            Findings findings, StarRewrite stars) {
        this.catalog = catalog;
        this.policy = policy;
        this.databaseName = databaseName;
        this.findings = findings;
        this.stars = stars;
        this.expressions = new ExpressionChecker(this, findings, policy, functions, new CastTypes(catalog, policy));
        this.fromClause = new FromClause(this, expressions, findings, policy, catalog);
    }

    boolean isCurrentDatabase(String name) {
        return name.equals(databaseName);
    }

    /** The top-level statement. */
    void statement(Select select) {
        select(select, null, true);
    }

    /** A subquery in an expression: it sees the enclosing levels (correlation). */
    void subquery(Select select, Scope enclosing) {
        select(select, enclosing, false);
    }

    Output select(Select select, Scope parent, boolean top) {
        rejectLockingAndDialect(select);
        Scope withScope = parent;
        if (select.getWithItemsList() != null && !select.getWithItemsList().isEmpty()) {
            withScope = new Scope(parent);
            for (WithItem<?> with : select.getWithItemsList()) {
                cte(with, withScope);
            }
        }
        Output output = switch (select) {
            case PlainSelect plain -> plain(plain, withScope, top);
            case SetOperationList setOperations -> setOperations(setOperations, withScope);
            case ParenthesedSelect parenthesed -> select(parenthesed.getSelect(), withScope, top);
            case Values values -> values(values, withScope);
            case TableStatement table -> tableStatement(table, withScope, top);
            default -> {
                findings.unsafe("unsupported query form (" + select.getClass().getSimpleName() + ")");
                yield new Output(List.of(), false);
            }
        };
        if (!(select instanceof PlainSelect)) {
            Scope outputScope = new Scope(withScope);
            outputScope.outputNames = output.names();
            expressions.orderBy(select.getOrderByElements(), outputScope, ExpressionChecker.Place.ORDER_BY);
            limits(select, outputScope);
        }
        return output;
    }

    private void rejectLockingAndDialect(Select select) {
        if (select.getForMode() != null || select.getForUpdateTable() != null || select.getWait() != null
                || select.isNoWait() || select.isSkipLocked()) {
            findings.unsafe("locking clause (FOR UPDATE/SHARE)");
        }
        if (select.getForClause() != null || select.getIsolation() != null || select.getLimitBy() != null
                || select.isOracleSiblings() || select.getPivot() != null || select.getUnPivot() != null) {
            findings.unsafe("a clause that is not PostgreSQL syntax");
        }
        if (select instanceof PlainSelect plain) {
            if (plain.getIntoTables() != null || plain.getIntoTempTable() != null) {
                findings.unsafe("SELECT ... INTO (it creates a table)");
            }
            if (plain.getLateralViews() != null || plain.getOptimizeFor() != null || plain.getTop() != null
                    || plain.getSkip() != null || plain.getFirst() != null || plain.getMySqlHintStraightJoin()
                    || plain.getBigQuerySelectQualifier() != null || plain.getQualify() != null
                    || plain.getOracleHierarchical() != null || plain.getPreferringClause() != null
                    || plain.getOracleHint() != null || plain.getForXmlPath() != null || plain.getKsqlWindow() != null
                    || plain.isEmitChanges() || plain.getMySqlSqlCalcFoundRows() || plain.getMySqlSqlCacheFlag() != null
                    || plain.isUsingFinal() || plain.isUseWithNoLog()) {
                findings.unsafe("a clause that is not PostgreSQL syntax");
            }
        }
    }

    private void limits(Select select, Scope scope) {
        if (select.getLimit() != null) {
            if (select.getLimit().getByExpressions() != null) {
                findings.unsafe("LIMIT BY is not PostgreSQL syntax");
            }
            expressions.check(select.getLimit().getRowCount(), scope, ExpressionChecker.Place.OTHER);
            expressions.check(select.getLimit().getOffset(), scope, ExpressionChecker.Place.OTHER);
        }
        if (select.getOffset() != null) {
            expressions.check(select.getOffset().getOffset(), scope, ExpressionChecker.Place.OTHER);
        }
        if (select.getFetch() != null) {
            expressions.check(select.getFetch().getExpression(), scope, ExpressionChecker.Place.OTHER);
        }
    }

    // ---- WITH -----------------------------------------------------------------------------

    private void cte(WithItem<?> with, Scope scope) {
        String name = Names.fold(with.getAliasName());
        // WithItem.getInsert()/getDelete() cast blindly (ClassCastException on other kinds): test the type instead
        if (!(with.getParenthesedStatement() instanceof ParenthesedSelect)) {
            findings.unsafe("data-modifying WITH clause (" + name + ")");
            scope.ctes.put(name, Relation.derived(name, List.of(), false));
            return;
        }
        if (with.getWithFunctionDeclaration() != null) {
            findings.unsafe("WITH FUNCTION is not PostgreSQL syntax");
        }
        List<String> declared = new ArrayList<>();
        if (with.getWithItemList() != null) {
            for (SelectItem<?> item : with.getWithItemList()) {
                declared.add(Names.fold(item.getExpression().toString()));
            }
        }
        if (with.isRecursive()) {
            List<String> names = declared;
            if (names.isEmpty()) {
                names = firstArmNames(with.getSelect().getSelect(), scope);
            }
            scope.ctes.put(name, Relation.derived(name, names, !names.isEmpty()));
        }
        Output output = select(with.getSelect().getSelect(), scope, false);
        List<String> columns = new ArrayList<>(FromClause.rename(output.names(), declared));
        Map<String, List<String>> rows = Relation.renameRows(output.rows(), output.names(), columns);
        searchAndCycle(with, columns);
        scope.ctes.put(name, Relation.derived(name, columns, output.exact(), rows));
    }

    /**
     * {@code SEARCH ... BY cols SET seq} and {@code CYCLE cols SET mark [TO v DEFAULT d] USING path}: the
     * listed columns must be the CTE's own; the clauses add their {@code seq}, {@code mark} and
     * {@code path} columns, in that order, after the CTE's columns (PostgreSQL's rewriteSearchAndCycle).
     */
    private void searchAndCycle(WithItem<?> with, List<String> columns) {
        List<String> own = List.copyOf(columns);
        WithSearchClause search = with.getSearchClause();
        if (search != null) {
            cteColumns(search.getSearchColumns(), own);
            columns.add(Names.fold(search.getSequenceColumnName()));
        }
        WithCycleClause cycle = with.getCycleClause();
        if (cycle != null) {
            cteColumns(cycle.getCycleColumns(), own);
            Scope constants = new Scope(null);
            expressions.check(cycle.getMarkValue(), constants, ExpressionChecker.Place.OTHER);
            expressions.check(cycle.getMarkDefault(), constants, ExpressionChecker.Place.OTHER);
            columns.add(Names.fold(cycle.getMarkColumnName()));
            columns.add(Names.fold(cycle.getPathColumnName()));
        }
        if (columns.stream().anyMatch(java.util.Objects::isNull)) {
            findings.unsafe("a SEARCH or CYCLE clause without its column names");
        }
    }

    /** The columns a SEARCH or CYCLE clause lists; unknown ones (or ones of an inexact CTE) are refused. */
    private void cteColumns(List<Column> listed, List<String> own) {
        if (listed == null || listed.isEmpty()) {
            findings.unsafe("a SEARCH or CYCLE clause without columns");
            return;
        }
        for (Column column : listed) {
            String name = Names.fold(column.getColumnName());
            if (column.getTable() != null || !own.contains(name)) {
                findings.column(Names.display(name) + " (SEARCH and CYCLE name columns of their own query)");
            }
        }
    }

    /** The output names of a recursive CTE's non-recursive arm, worked out without reporting anything. */
    private List<String> firstArmNames(Select body, Scope scope) {
        Select first = body instanceof SetOperationList set && !set.getSelects().isEmpty()
                ? set.getSelects().getFirst()
                : body;
        QueryAnalyzer dry = new QueryAnalyzer(catalog, policy, new FunctionAllowlist(List.of()), databaseName,
                new Findings(), new StarRewrite(false));
        Output output = dry.select(first, scope, false);
        return output.exact() ? output.names() : List.of();
    }

    // ---- query levels ---------------------------------------------------------------------

    private Output plain(PlainSelect plain, Scope parent, boolean top) {
        if (isEmptySelectList(plain.getSelectItems())) {
            // SELECT FROM t: no column; a rewrite deparses the query without the skeleton's stand-in
            plain.getSelectItems().clear();
        }
        Scope scope = new Scope(parent);
        if (plain.getFromItem() != null) {
            fromClause.from(plain.getFromItem(), scope, parent);
        }
        if (plain.getJoins() != null) {
            for (Join join : plain.getJoins()) {
                fromClause.join(join, scope, parent);
            }
        }
        List<String> names = new ArrayList<>();
        Map<String, List<String>> rows = new HashMap<>();
        boolean exact = true;
        for (SelectItem<?> item : plain.getSelectItems()) {
            stars.owner(item, plain.getSelectItems());
        }
        for (SelectItem<?> item : List.copyOf(plain.getSelectItems())) {
            exact &= selectItem(item, scope, top, names);
            expressions.wholeRowFields(item.getExpression(), scope)
                    .ifPresent(fields -> rows.put(names.getLast(), fields));
        }
        scope.outputNames = List.copyOf(names);
        expressions.check(plain.getWhere(), scope, ExpressionChecker.Place.OTHER);
        GroupByElement groupBy = plain.getGroupBy();
        if (groupBy != null) {
            if (groupBy.isMysqlWithRollup()) {
                findings.unsafe("WITH ROLLUP is not PostgreSQL syntax");
            }
            if (groupBy.getGroupByExpressionList() != null) {
                for (Object e : groupBy.getGroupByExpressionList()) {
                    expressions.groupingElement((Expression) e, scope);
                }
            }
            if (groupBy.getGroupingSets() != null) {
                for (ExpressionList<Expression> set : groupBy.getGroupingSets()) {
                    for (Expression e : set) {
                        expressions.groupingElement(e, scope);
                    }
                }
            }
        }
        expressions.check(plain.getHaving(), scope, ExpressionChecker.Place.OTHER);
        if (plain.getWindowDefinitions() != null) {
            for (WindowDefinition window : plain.getWindowDefinitions()) {
                expressions.windowDefinition(window, scope);
            }
        }
        Distinct distinct = plain.getDistinct();
        if (distinct != null) {
            if (distinct.isUseUnique()) {
                findings.unsafe("SELECT UNIQUE is not PostgreSQL syntax");
            }
            if (distinct.getOnSelectItems() != null) {
                for (SelectItem<?> item : distinct.getOnSelectItems()) {
                    expressions.check(item.getExpression(), scope, ExpressionChecker.Place.ORDER_BY);
                }
            }
        }
        expressions.orderBy(plain.getOrderByElements(), scope, ExpressionChecker.Place.ORDER_BY);
        limits(plain, scope);
        return new Output(names, exact, rows);
    }

    /** One select-list item; adds its output name(s); answers whether they are exact. */
    private boolean selectItem(SelectItem<?> item, Scope scope, boolean top, List<String> names) {
        Expression expression = item.getExpression();
        if (expression instanceof AllTableColumns tableColumns) {
            Optional<Relation> relation = expressions
                    .findRelation(Names.foldAll(ExpressionChecker.tableParts(tableColumns.getTable())), scope);
            if (relation.isEmpty()) {
                findings.column(tableColumns.getTable().getFullyQualifiedName() + ".*");
                return false;
            }
            star(item, List.of(relation.get()));
            return starNames(List.of(relation.get()), names);
        }
        if (expression instanceof AllColumns all) {
            if (all.getExceptColumns() != null || all.getReplaceExpressions() != null) {
                findings.unsafe("SELECT * EXCEPT/REPLACE is not PostgreSQL syntax");
            }
            if (scope.relations.isEmpty()) {
                findings.unsafe("SELECT * without FROM");
            }
            star(item, scope.relations);
            return starNames(scope.relations, names);
        }
        boolean bareColumn = top && isBareColumn(expression);
        expressions.check(expression, scope, ExpressionChecker.Place.SELECT, bareColumn ? item : null);
        if (item.getAlias() != null) {
            names.add(Names.fold(item.getAlias().getName()));
            return true;
        }
        Optional<String> name = outputName(expression);
        names.add(name.orElse("?column?"));
        return name.isPresent() || isOperator(expression);
    }

    /**
     * The output names of {@code *} over relations; answers whether they are exact. A guessed relation's
     * columns may be a row's, whose names are unknown: it adds none, and makes the names inexact.
     */
    private static boolean starNames(List<Relation> relations, List<String> names) {
        boolean exact = true;
        for (Relation relation : relations) {
            if (relation.guessed()) {
                exact = false;
            } else {
                names.addAll(relation.columns());
                exact &= relation.exact();
            }
        }
        return exact;
    }

    /**
     * {@code *} or {@code t.*} over relations: fine unless a catalog table has denied columns; the
     * refusal names the table, not its hidden columns.
     */
    private void star(SelectItem<?> item, List<Relation> relations) {
        List<String> deniedTables = new ArrayList<>();
        for (Relation relation : relations) {
            relation.table().filter(policy::hasDeniedColumns).ifPresent(table -> deniedTables.add(table.name()));
        }
        if (deniedTables.isEmpty()) {
            return;
        }
        if (stars.enabled() && relations.stream().allMatch(r -> r.exact() && !r.guessed())) {
            stars.expand(item, relations, policy);
            return;
        }
        deniedTables.forEach(table -> findings.hiddenColumns(table, "SELECT * over " + table
                + " would read columns that may not be read; list the columns you need (see the schema resource)"));
        findings.selectStar();
    }

    private Output setOperations(SetOperationList set, Scope parent) {
        Output first = null;
        boolean exact = true;
        for (Select select : set.getSelects()) {
            Output output = select(select, parent, false);
            if (first == null) {
                first = output;
            }
            exact &= output.exact();
        }
        return first == null ? new Output(List.of(), false) : new Output(first.names(), first.exact());
    }

    private Output values(Values values, Scope parent) {
        Scope scope = new Scope(parent);
        int width = 0;
        if (values.getExpressions() != null) {
            for (Expression row : values.getExpressions()) {
                expressions.check(row, scope, ExpressionChecker.Place.OTHER);
                int size = row instanceof ExpressionList<?> list ? list.size() : 1;
                width = Math.max(width, size);
            }
        }
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= width; i++) {
            names.add("column" + i);
        }
        return new Output(names, true);
    }

    private Output tableStatement(TableStatement statement, Scope parent, boolean top) {
        Scope scope = new Scope(parent);
        Optional<Relation> relation = fromClause.table(statement.getTable(), scope);
        if (relation.isEmpty()) {
            return new Output(List.of(), false);
        }
        if (relation.get().table().map(policy::hasDeniedColumns).orElse(false)) {
            findings.hiddenColumns(relation.get().name(), "TABLE " + relation.get().name()
                    + " reads every column, including ones that may not be read; select the allowed columns instead");
            findings.selectStar();
        }
        return new Output(relation.get().columns(), relation.get().exact());
    }

    /** The skeleton's stand-in for an empty select list ({@link ParserSpelling#EMPTY_SELECT_LIST}). */
    private static boolean isEmptySelectList(List<SelectItem<?>> items) {
        return items.size() == 1 && items.getFirst().getAlias() == null
                && items.getFirst().getExpression() instanceof Column column && column.getTable() == null
                && column.getColumnName().equals(ParserSpelling.EMPTY_SELECT_LIST);
    }

    /** A column reference alone, perhaps in parentheses (which PostgreSQL drops). */
    private static boolean isBareColumn(Expression expression) {
        return switch (expression) {
            case Column c -> true;
            case DateUnitExpression d -> true;
            case RowConstructor<?> r -> false;
            case ExpressionList<?> list when list.size() == 1 -> isBareColumn(list.getFirst());
            default -> false;
        };
    }

    /** PostgreSQL's name for an unaliased select item (FigureColname), when it has one. */
    static Optional<String> outputName(Expression expression) {
        return switch (expression) {
            case Column column -> Optional.of(Names.fold(column.getColumnName()));
            case DateUnitExpression unit -> Optional.of(ExpressionChecker.dateUnitColumn(unit).getColumnName());
            case Function function -> Optional.of(Names.fold(function.getMultipartName().getLast()));
            case AnalyticExpression analytic -> Optional.of(Names.fold(analytic.getName()));
            case CastExpression cast -> outputName(cast.getLeftExpression())
                    .or(() -> Optional.of(CastTypes.outputName(cast.getColDataType())));
            case IntervalExpression interval when interval.isUsingIntervalKeyword() -> Optional.of("interval");
            case CaseExpression c -> Optional.of("case");
            case ArrayConstructor a -> Optional.of("array");
            case RowConstructor<?> r -> Optional.of("row");
            case ExtractExpression e -> Optional.of("extract");
            case RowGetExpression r -> Optional.of(Names.fold(r.getColumnName()));
            case TimeKeyExpression t ->
                Optional.of(t.getStringValue().toLowerCase(java.util.Locale.ROOT).split("\\(")[0].strip());
            case ParenthesedSelect p -> Optional.empty();
            case ExpressionList<?> list when list.size() == 1 -> outputName(list.getFirst());
            default -> Optional.empty();
        };
    }

    /** Operators and literals are named {@code ?column?} by PostgreSQL, for certain. */
    private static boolean isOperator(Expression expression) {
        return expression instanceof BinaryExpression || expression instanceof net.sf.jsqlparser.expression.LongValue
                || expression instanceof net.sf.jsqlparser.expression.StringValue
                || expression instanceof net.sf.jsqlparser.expression.DoubleValue
                || expression instanceof net.sf.jsqlparser.expression.NullValue;
    }
}
