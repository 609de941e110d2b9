package io.pgmcp.sql;

import java.util.List;
import java.util.Optional;
import net.sf.jsqlparser.expression.AllValue;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.AnyComparisonExpression;
import net.sf.jsqlparser.expression.ArrayConstructor;
import net.sf.jsqlparser.expression.ArrayExpression;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CaseExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.CollateExpression;
import net.sf.jsqlparser.expression.DateTimeLiteralExpression;
import net.sf.jsqlparser.expression.DateUnitExpression;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExtractExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.HexValue;
import net.sf.jsqlparser.expression.IntervalExpression;
import net.sf.jsqlparser.expression.JsonExpression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.OracleNamedFunctionParameter;
import net.sf.jsqlparser.expression.OverlapsCondition;
import net.sf.jsqlparser.expression.PostgresNamedFunctionParameter;
import net.sf.jsqlparser.expression.RowConstructor;
import net.sf.jsqlparser.expression.RowGetExpression;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.TimeKeyExpression;
import net.sf.jsqlparser.expression.TimezoneExpression;
import net.sf.jsqlparser.expression.TrimFunction;
import net.sf.jsqlparser.expression.WhenClause;
import net.sf.jsqlparser.expression.WindowDefinition;
import net.sf.jsqlparser.expression.WindowElement;
import net.sf.jsqlparser.expression.WindowOffset;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsBooleanExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.IsUnknownExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.NamedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * Checks every expression node of a query, default-deny: a node type not handled here is
 * rejected as unsupported. Resolves column references against the {@link Scope} chain the way
 * PostgreSQL does (ORDER BY sees output names first, GROUP BY input columns first) and reports
 * denied columns, whole-row references to tables with denied columns, disallowed functions and
 * cast types. Subqueries are handed back to the {@link QueryAnalyzer}.
 */
final class ExpressionChecker {

    /** Where an expression stands, which changes how a bare name resolves. */
    enum Place {
        SELECT, ORDER_BY, GROUP_BY, OTHER
    }

    private final QueryAnalyzer analyzer;
    private final Findings findings;
    private final FunctionAllowlist functions;
    private final CastTypes castTypes;
    private final ColumnResolver columns;

    ExpressionChecker(QueryAnalyzer analyzer, Findings findings, AccessPolicy policy, FunctionAllowlist functions,
            CastTypes castTypes) {
        this.analyzer = analyzer;
        this.findings = findings;
        this.functions = functions;
        this.castTypes = castTypes;
        this.columns = new ColumnResolver(analyzer, this, findings, policy);
    }

    Optional<Relation> findRelation(List<String> qualifier, Scope scope) {
        return columns.findRelation(qualifier, scope);
    }

    static List<String> tableParts(net.sf.jsqlparser.schema.Table table) {
        return ColumnResolver.tableParts(table);
    }

    void check(Expression expression, Scope scope, Place place) {
        check(expression, scope, place, null);
    }

    void checkAll(List<? extends Expression> expressions, Scope scope, Place place) {
        if (expressions != null) {
            for (Expression e : expressions) {
                check(e, scope, place, null);
            }
        }
    }

    /**
     * @param item the select item when {@code expression} is all of it (a bare column there may be
     *             dropped by {@code on_denied: filter}); null otherwise
     */
    void check(Expression expression, Scope scope, Place place, SelectItem<?> item) {
        if (expression == null) {
            return;
        }
        switch (expression) {
            case LongValue v -> {}
            case DoubleValue v -> {}
            case StringValue v -> {}
            case NullValue v -> {}
            case BooleanValue v -> {}
            case HexValue v -> {}
            case DateTimeLiteralExpression v -> {}
            case TimeKeyExpression v -> {}
            case AllValue v -> {}
            case Column column -> columns.column(column, scope, place, item);
            case DateUnitExpression unit -> columns.column(dateUnitColumn(unit), scope, place, item);
            case AllTableColumns all -> columns.wholeRow(all.getTable(), scope, "t.*");
            case AllColumns all -> findings.unsafe("* is only allowed as a select-list item");
            case Function function -> function(function, scope);
            case AnalyticExpression analytic -> analytic(analytic, scope);
            case CastExpression cast -> {
                if (cast.getColumnDefinitions() != null && !cast.getColumnDefinitions().isEmpty()) {
                    findings.unsafe("cast with column definitions is not supported");
                }
                if (!castTypes.allows(cast.getColDataType())) {
                    findings.unsafe("cast to type " + cast.getColDataType() + " is not allowed");
                }
                check(cast.getLeftExpression(), scope, Place.OTHER);
            }
            case LikeExpression like -> {
                check(like.getLeftExpression(), scope, Place.OTHER);
                comparedOperand(like.getRightExpression(), scope);
                check(like.getEscape(), scope, Place.OTHER);
            }
            case AndExpression and -> {
                check(and.getLeftExpression(), scope, Place.OTHER);
                check(and.getRightExpression(), scope, Place.OTHER);
            }
            case OrExpression or -> {
                check(or.getLeftExpression(), scope, Place.OTHER);
                check(or.getRightExpression(), scope, Place.OTHER);
            }
            case XorExpression xor -> {
                check(xor.getLeftExpression(), scope, Place.OTHER);
                check(xor.getRightExpression(), scope, Place.OTHER);
            }
            case BinaryExpression binary -> {
                check(binary.getLeftExpression(), scope, Place.OTHER);
                comparedOperand(binary.getRightExpression(), scope);
            }
            case NotExpression not -> check(not.getExpression(), scope, Place.OTHER);
            case SignedExpression signed -> check(signed.getExpression(), scope, Place.OTHER);
            case RowConstructor<?> row -> checkAll(row, scope, Place.OTHER);
            // PostgreSQL drops the parentheses of (x): it is x, in the same place (an output name in ORDER BY,
            // a select item on_denied: filter may drop)
            case ExpressionList<?> list when list.size() == 1 && !(list instanceof RowConstructor<?>) ->
                check(list.getFirst(), scope, place, item);
            case ExpressionList<?> list -> checkAll(list, scope, Place.OTHER);
            case Between between -> {
                check(between.getLeftExpression(), scope, Place.OTHER);
                check(between.getBetweenExpressionStart(), scope, Place.OTHER);
                check(between.getBetweenExpressionEnd(), scope, Place.OTHER);
            }
            case InExpression in -> {
                check(in.getLeftExpression(), scope, Place.OTHER);
                check(in.getRightExpression(), scope, Place.OTHER);
            }
            case ExistsExpression exists -> check(exists.getRightExpression(), scope, Place.OTHER);
            case IsNullExpression isNull -> check(isNull.getLeftExpression(), scope, Place.OTHER);
            case IsBooleanExpression isBoolean -> check(isBoolean.getLeftExpression(), scope, Place.OTHER);
            case IsUnknownExpression isUnknown -> check(isUnknown.getLeftExpression(), scope, Place.OTHER);
            case AnyComparisonExpression any -> analyzer.subquery(any.getSelect(), scope);
            case ParenthesedSelect subquery -> analyzer.subquery(subquery, scope);
            case Select select -> analyzer.subquery(select, scope);
            case CaseExpression caseExpression -> {
                check(caseExpression.getSwitchExpression(), scope, Place.OTHER);
                if (caseExpression.getWhenClauses() != null) {
                    for (WhenClause when : caseExpression.getWhenClauses()) {
                        check(when, scope, Place.OTHER);
                    }
                }
                check(caseExpression.getElseExpression(), scope, Place.OTHER);
            }
            case WhenClause when -> {
                check(when.getWhenExpression(), scope, Place.OTHER);
                check(when.getThenExpression(), scope, Place.OTHER);
            }
            case ExtractExpression extract -> check(extract.getExpression(), scope, Place.OTHER);
            case TrimFunction trim -> {
                check(trim.getExpression(), scope, Place.OTHER);
                check(trim.getFromExpression(), scope, Place.OTHER);
            }
            case IntervalExpression interval -> check(interval.getExpression(), scope, Place.OTHER);
            case TimezoneExpression timezone -> {
                check(timezone.getLeftExpression(), scope, Place.OTHER);
                checkAll(timezone.getTimezoneExpressions(), scope, Place.OTHER);
            }
            case CollateExpression collate -> check(collate.getLeftExpression(), scope, Place.OTHER);
            case ArrayExpression array -> {
                check(array.getObjExpression(), scope, Place.OTHER);
                check(array.getIndexExpression(), scope, Place.OTHER);
                check(array.getStartIndexExpression(), scope, Place.OTHER);
                check(array.getStopIndexExpression(), scope, Place.OTHER);
            }
            case ArrayConstructor array -> {
                if (array.getDataType() != null && !castTypes.allows(array.getDataType())) {
                    findings.unsafe("array of type " + array.getDataType() + " is not allowed");
                }
                checkAll(array.getExpressions(), scope, Place.OTHER);
            }
            case JsonExpression json -> {
                check(json.getExpression(), scope, Place.OTHER);
                if (json.getIdentList() != null) {
                    for (var ident : json.getIdentList()) {
                        check(ident.getKey(), scope, Place.OTHER);
                    }
                }
            }
            case RowGetExpression rowGet -> rowField(rowGet, scope);
            case OverlapsCondition overlaps -> {
                check(overlaps.getLeft(), scope, Place.OTHER);
                check(overlaps.getRight(), scope, Place.OTHER);
            }
            default -> findings.unsafe("unsupported SQL construct (" + expression.getClass().getSimpleName()
                    + "): write it with standard PostgreSQL expressions");
        }
    }

    /**
     * {@code (x).f}: a field of the row x, or - when x has no field f - PostgreSQL's call {@code f(x)}
     * (functional notation), of any function named f. So f must be a field x is known to have, or a
     * function the allowlist allows; when x is a table alias it reads a whole row.
     */
    private void rowField(RowGetExpression rowGet, Scope scope) {
        Expression target = rowGet.getExpression() instanceof DateUnitExpression unit
                ? dateUnitColumn(unit)
                : rowGet.getExpression();
        String field = Names.fold(rowGet.getColumnName());
        if (target instanceof Column c && c.getTable() == null
                && columns.resolvesToRelationOnly(Names.fold(c.getColumnName()), scope)) {
            columns.wholeRow(c.getColumnName(), scope, "(t).column");
        } else {
            check(target, scope, Place.OTHER);
        }
        boolean known = fields(target, scope).map(fields -> fields.contains(field)).orElse(false);
        if (!known && !isAllowedFunction(field)) {
            findings.unsafe("(...)." + Names.display(field) + ": pg-mcp cannot tell that the row has a field "
                    + Names.display(field)
                    + ", and where it has none PostgreSQL calls a function " + Names.display(field)
                    + "() on the row instead");
        }
    }

    /** The fields of the row an expression yields, when they are known; see {@link #wholeRowFields}. */
    private Optional<List<String>> fields(Expression row, Scope scope) {
        return switch (row) {
            case Function f when f.getParameters() != null && FunctionColumns.kind(f) == FunctionColumns.Kind.NAMED ->
                Optional.of(FunctionColumns.named(f));
            case ExpressionList<?> list when list.size() == 1 && !(list instanceof RowConstructor<?>) ->
                fields(list.getFirst(), scope);
            default -> wholeRowFields(row, scope);
        };
    }

    /**
     * The fields of a whole row an expression names, when they are known: a bare relation name (its
     * {@linkplain Relation#rowFields() row}), or a column that holds such a row ({@link Relation#rows}).
     * Reports nothing.
     */
    Optional<List<String>> wholeRowFields(Expression expression, Scope scope) {
        Expression e = expression instanceof ExpressionList<?> list && list.size() == 1
                && !(list instanceof RowConstructor<?>)
                        ? list.getFirst()
                        : expression;
        if (!(e instanceof Column c) || c.getArrayConstructor() != null) {
            return Optional.empty();
        }
        String name = Names.fold(c.getColumnName());
        if (c.getTable() == null && columns.resolvesToRelationOnly(name, scope)) {
            return columns.findRelation(List.of(name), scope).flatMap(Relation::rowFields);
        }
        return columns.rowColumnFields(c, scope);
    }

    /** Whether a call of the unqualified function {@code name} is allowed. */
    boolean isAllowedFunction(String name) {
        return functions.allows(Optional.empty(), name);
    }

    // ---- functions ------------------------------------------------------------------------

    private void function(Function function, Scope scope) {
        List<String> name = Names.foldAll(function.getMultipartName());
        if (name.isEmpty()) {
            findings.unsafe("a function without a name");
            return;
        }
        String simple = name.getLast();
        if (function.getChainedParameters() != null
                || (function.getKeywordArguments() != null && !function.getKeywordArguments().isEmpty())
                || function.getExtraKeyword() != null || function.isUnique() || function.isEscaped()
                || function.isIgnoreNullsOutside()) {
            findings.unsafe("unsupported syntax in call of " + simple + "()");
            return;
        }
        // ROW(...) and GROUPING(...) are syntax in PostgreSQL (reserved words), not calls: check what they hold
        if (isKeywordCall(function, "row") || isKeywordCall(function, "grouping")) {
            checkParameters(function, scope);
            return;
        }
        // ARRAY(subquery) is syntax, not a call; a quoted "array"(x) or any other shape is an ordinary
        // function call and must pass the allowlist like every other
        if (name.size() == 1 && simple.equals("array") && !function.getName().startsWith("\"")
                && function.getParameters() != null && function.getParameters().size() == 1
                && function.getParameters().get(0) instanceof Select) {
            checkParameters(function, scope);
            return;
        }
        Optional<String> schema = name.size() >= 2 ? Optional.of(name.get(name.size() - 2)) : Optional.empty();
        if (name.size() > 2 || !functions.allows(schema, simple)) {
            boolean builtin = name.size() <= 2 && schema.map("pg_catalog"::equals).orElse(true);
            findings.function(String.join(".", name), builtin ? FunctionAllowlist.exclusion(simple) : Optional.empty());
        }
        if (function.getKeep() != null || function.getHavingClause() != null || function.getLimit() != null
                || function.getOnOverflowTruncate() != null || function.getNullHandling() != null) {
            findings.unsafe("unsupported clause in call of " + simple + "()");
        }
        checkParameters(function, scope);
        orderBy(function.getOrderByElements(), scope, Place.OTHER);
        if (function.getAttribute() instanceof Expression attribute) {
            check(attribute, scope, Place.OTHER);
        }
    }

    /**
     * A call spelled as PostgreSQL's keyword syntax {@code word(...)}: one unquoted, unqualified name and
     * nothing but plain arguments. A quoted {@code "row"(x)} or {@code pg_catalog.grouping(x)} is an
     * ordinary function call and goes through the allowlist.
     */
    static boolean isKeywordCall(Function function, String word) {
        return function.getMultipartName().size() == 1 && function.getName().equalsIgnoreCase(word)
                && !function.isDistinct() && !function.isAllColumns() && !function.isUnique() && !function.isEscaped()
                && function.getOrderByElements() == null && function.getNamedParameters() == null
                && function.getKeep() == null && function.getHavingClause() == null && function.getLimit() == null
                && function.getOnOverflowTruncate() == null && function.getNullHandling() == null
                && function.getAttribute() == null && function.getChainedParameters() == null
                && (function.getKeywordArguments() == null || function.getKeywordArguments().isEmpty())
                && function.getExtraKeyword() == null;
    }

    /**
     * The right operand of an operator: {@code x op ANY (array)}, {@code SOME} and {@code ALL} are read by
     * JSQLParser as a call of a function any(); in PostgreSQL they are reserved words and this is the
     * comparison of x with each element of the array, which is what gets checked.
     */
    private void comparedOperand(Expression right, Scope scope) {
        if (right instanceof Function quantifier && quantifier.getParameters() != null
                && quantifier.getParameters().size() == 1
                && (isKeywordCall(quantifier, "any") || isKeywordCall(quantifier, "some")
                        || isKeywordCall(quantifier, "all"))) {
            check(quantifier.getParameters().getFirst(), scope, Place.OTHER);
            return;
        }
        check(right, scope, Place.OTHER);
    }

    /**
     * JSQLParser reads a bare {@code year}, {@code month}, {@code day}, {@code hour}, {@code minute} or
     * {@code second} as a date unit; in an expression PostgreSQL reads it as a column reference.
     */
    static Column dateUnitColumn(DateUnitExpression unit) {
        return new Column(unit.getType().name().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * One element of GROUP BY or of a GROUPING SETS list: {@code ROLLUP (...)} and {@code CUBE (...)}
     * (JSQLParser reads them as calls) group by what they list, each item an expression or a
     * parenthesised list of expressions; everything else is an ordinary grouping expression.
     */
    void groupingElement(Expression element, Scope scope) {
        if (element instanceof Function set && set.getParameters() != null
                && (isKeywordCall(set, "rollup") || isKeywordCall(set, "cube"))) {
            for (Expression item : set.getParameters()) {
                if (item instanceof ExpressionList<?> list && !(item instanceof RowConstructor<?>)) {
                    checkAll(list, scope, Place.GROUP_BY);
                } else {
                    check(item, scope, Place.GROUP_BY);
                }
            }
            return;
        }
        check(element, scope, Place.GROUP_BY);
    }

    private void checkParameters(Function function, Scope scope) {
        if (function.getParameters() != null) {
            for (Expression written : function.getParameters()) {
                Expression parameter = namedArgumentValue(written);
                if (written instanceof AllColumns star && !(star instanceof AllTableColumns)
                        && function.getParameters().size() == 1 && Names.fold(function.getName()).equals("count")) {
                    continue; // count(*) reads no column
                }
                if (parameter instanceof Column c && c.getTable() == null && c.getArrayConstructor() == null
                        && columns.resolvesToRelationOnly(Names.fold(c.getColumnName()), scope)) {
                    columns.wholeRow(c.getColumnName(), scope, Names.fold(function.getName()) + "(t)");
                } else {
                    check(parameter, scope, Place.OTHER);
                }
            }
        }
        NamedExpressionList<?> named = function.getNamedParameters();
        if (named != null) {
            checkAll(named, scope, Place.OTHER);
        }
    }

    /**
     * The value of a named argument, {@code name => value} or {@code name := value} (PostgreSQL's named
     * notation; the name picks a parameter of the function, which the allowlist has already judged by
     * its name); any other argument as it is.
     */
    private static Expression namedArgumentValue(Expression argument) {
        return switch (argument) {
            case OracleNamedFunctionParameter named -> named.getExpression();
            case PostgresNamedFunctionParameter named -> named.getExpression();
            default -> argument;
        };
    }

    private void analytic(AnalyticExpression analytic, Scope scope) {
        String name = Names.fold(analytic.getName());
        if (!functions.allows(Optional.empty(), name)) {
            findings.function(name, FunctionAllowlist.exclusion(name));
        }
        if (analytic.getKeep() != null || analytic.getHavingClause() != null || analytic.getLimit() != null
                || analytic.getNullHandling() != null || analytic.getOnOverflowTruncate() != null) {
            findings.unsafe("unsupported clause in window function " + name + "()");
        }
        Expression argument = analytic.getExpression();
        if (argument instanceof AllColumns star && !(star instanceof AllTableColumns) && name.equals("count")) {
            argument = null; // count(*) reads no column
        }
        if (argument instanceof Column c && c.getTable() == null
                && columns.resolvesToRelationOnly(Names.fold(c.getColumnName()), scope)) {
            columns.wholeRow(c.getColumnName(), scope, name + "(t)");
        } else {
            check(argument, scope, Place.OTHER);
        }
        check(analytic.getOffset(), scope, Place.OTHER);
        check(analytic.getDefaultValue(), scope, Place.OTHER);
        check(analytic.getFilterExpression(), scope, Place.OTHER);
        ExpressionList<?> partition = analytic.getPartitionExpressionList();
        checkAll(partition, scope, Place.OTHER);
        orderBy(analytic.getOrderByElements(), scope, Place.OTHER);
        orderBy(analytic.getFuncOrderBy(), scope, Place.OTHER);
        window(analytic.getWindowElement(), scope);
        if (analytic.getWindowDefinition() != null) {
            windowDefinition(analytic.getWindowDefinition(), scope);
        }
    }

    void windowDefinition(WindowDefinition definition, Scope scope) {
        ExpressionList<?> partition = definition.getPartitionExpressionList();
        checkAll(partition, scope, Place.OTHER);
        orderBy(definition.getOrderByElements(), scope, Place.OTHER);
        window(definition.getWindowElement(), scope);
    }

    private void window(WindowElement element, Scope scope) {
        if (element == null) {
            return;
        }
        offset(element.getOffset(), scope);
        if (element.getRange() != null) {
            offset(element.getRange().getStart(), scope);
            offset(element.getRange().getEnd(), scope);
        }
    }

    private void offset(WindowOffset offset, Scope scope) {
        if (offset != null) {
            check(offset.getExpression(), scope, Place.OTHER);
        }
    }

    /**
     * ORDER BY items; with {@code Place.ORDER_BY} (a query's own ORDER BY) a bare name may be an
     * output column, as in PostgreSQL; inside aggregates and windows names are input columns.
     */
    void orderBy(List<OrderByElement> elements, Scope scope, Place place) {
        if (elements != null) {
            for (OrderByElement element : elements) {
                if (element.isMysqlWithRollup()) {
                    findings.unsafe("WITH ROLLUP is not PostgreSQL syntax");
                }
                check(element.getExpression(), scope, place);
            }
        }
    }

}
