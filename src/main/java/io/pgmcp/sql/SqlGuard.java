package io.pgmcp.sql;

import io.pgmcp.config.OnDenied;
import io.pgmcp.config.SelectStarPolicy;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.db.GrammarCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * The SQL guard of one database: our PostgreSQL-faithful lexer first (one statement, no
 * lexical tricks; the normalised text is what runs), then JSQLParser on a skeleton whose literals
 * are placeholders, then a default-deny analysis of the whole tree against the catalog, the access
 * policy and the function allowlist. Anything unknown, unparsed or unexpected is a refusal; for SQL
 * JSQLParser cannot read, PostgreSQL's grammar says why ({@link UnreadableStatement}).
 * Verdicts are kept per SQL text and catalog instance ({@link VerdictCache}): a repeated query costs a
 * lookup. Thread-safe.
 */
public final class SqlGuard implements Guard {
    private static final Duration PARSE_TIMEOUT = Duration.ofSeconds(2);
    private static final String COULD_NOT_REWRITE = "pg-mcp could not rewrite this query safely; list the columns explicitly";

    private final AccessPolicy policy;
    private final FunctionAllowlist functions;
    private final String databaseName;
    private final PostgresGrammar grammar;
    private final SqlParser parser = new SqlParser(PARSE_TIMEOUT);
    private final VerdictCache verdicts;

    /** A guard that cannot ask PostgreSQL's grammar: SQL its parser cannot read is refused with a message of its own. */
    public SqlGuard(AccessPolicy policy, String databaseName) {
        this(policy, databaseName, PostgresGrammar.UNAVAILABLE);
    }

    /**
     * @param databaseName the PostgreSQL database name ({@code dbname}), for {@code db.schema.table} references
     * @param grammar      asked why SQL the parser cannot read is wrong (see {@link UnreadableStatement})
     */
    public SqlGuard(AccessPolicy policy, String databaseName, PostgresGrammar grammar) {
        this(policy, databaseName, grammar, new VerdictCache());
    }

    /** @param verdicts this guard's own cache of verdicts (never share one between guards) */
    SqlGuard(AccessPolicy policy, String databaseName, PostgresGrammar grammar, VerdictCache verdicts) {
        this.verdicts = Objects.requireNonNull(verdicts, "verdicts");
        this.policy = policy;
        this.functions = new FunctionAllowlist(policy.config().functions().allowed());
        this.databaseName = databaseName;
        this.grammar = grammar;
    }

    /** Statements whose parse touches the grammar's common paths: what a first query would initialise. */
    static final List<String> WARM_UP = List.of(
            "SELECT id, name FROM t WHERE id = 1",
            "WITH a AS (SELECT x.k, count(*) AS n FROM s.x JOIN y ON y.k = x.k WHERE x.v > 2 AND y.w IS NOT NULL"
                    + " GROUP BY x.k HAVING count(*) > 1) SELECT k, n::text, coalesce(n, 0) FROM a"
                    + " ORDER BY n DESC LIMIT 10");

    /**
     * Lexes and parses a few statements once and forgets them, and reads why functions are refused: a
     * process's first JSQLParser parse costs about 90 ms (loading its classes and running their static
     * initialisers in the interpreter) and the first refused function ~25 ms, which a server pays at start on
     * a thread of its own instead of in its first calls. Never throws.
     */
    public static void warmUp() {
        SqlParser parser = new SqlParser(PARSE_TIMEOUT);
        try {
            for (String sql : WARM_UP) {
                parser.parse(Lexer.analyse(sql).skeletonSql());
            }
            FunctionAllowlist.exclusion("pg_sleep");
        } catch (LexerException | SqlParser.Failure | RuntimeException | StackOverflowError e) {
            // a warm-up that fails leaves the work to the first call, which reports its own failure
        }
    }

    /**
     * The verdict on {@code sql} against {@code catalog}; the same text against the same catalog instance is
     * answered from this guard's {@link VerdictCache} after the first time, unless its verdict depended on
     * the moment (the parse ran out of time or stack, or PostgreSQL's grammar could not be asked).
     */
    @Override
    public Verdict check(String sql, Catalog catalog) {
        Verdict cached = verdicts.get(sql, catalog);
        if (cached != null) {
            return cached;
        }
        Checked checked = check(sql, catalog, true);
        if (checked.lasting()) {
            verdicts.put(sql, catalog, checked.verdict());
        }
        return checked.verdict();
    }

    /**
     * A verdict, and whether the same text against the same catalog always gets it ({@code lasting}): not
     * when it came of a time bound, a stack bound or a database that could not be asked.
     */
    private record Checked(Verdict verdict, boolean lasting) {
        static Checked lasting(Verdict verdict) {
            return new Checked(verdict, true);
        }

        static Checked momentary(Verdict verdict) {
            return new Checked(verdict, false);
        }
    }

    private Checked check(String sql, Catalog catalog, boolean mayRewrite) {
        LexedStatement lexed;
        try {
            lexed = Lexer.analyse(sql);
        } catch (LexerException e) {
            return Checked.lasting(new Verdict.Denied(Verdict.Reason.UNSAFE_SQL, e.getMessage(),
                    new RefusalDetails.LexicalError(e.offset())));
        }
        Statement statement;
        try {
            statement = parser.parse(lexed.skeletonSql());
        } catch (SqlParser.Failure e) {
            if (e.timedOut) {
                return Checked.momentary(unsafe(e.getMessage()));
            }
            if (!mayRewrite) {
                return Checked.lasting(unsafe(COULD_NOT_REWRITE));
            }
            UnreadableStatement unreadable = new UnreadableStatement(lexed);
            GrammarCheck answer = unreadable.ask(grammar);
            return new Checked(unreadable.refusal(answer), !(answer instanceof GrammarCheck.Unanswered));
        }
        if (!(statement instanceof Select select)) {
            return Checked.lasting(
                    unsafe(UnreadableStatement.ONLY_QUERIES + ", not " + StatementKinds.describe(statement)));
        }
        Findings findings = new Findings();
        StarRewrite stars = new StarRewrite(
                mayRewrite && policy.config().columns().selectStarPolicy() == SelectStarPolicy.EXPAND_SAFE);
        try {
            new QueryAnalyzer(catalog, policy, functions, databaseName, findings, stars).statement(select);
        } catch (StackOverflowError e) {
            return Checked.momentary(unsafe("the query is nested too deeply to analyse"));
        } catch (RuntimeException e) {
            // an AST shape the analysis did not expect: refuse rather than guess (and look again next time)
            return Checked.momentary(
                    unsafe("pg-mcp could not analyse this query (" + e.getClass().getSimpleName() + ")"));
        }
        List<String> warnings = new ArrayList<>();
        if (findings.any()) {
            if (!(mayRewrite && filterable(findings))) {
                return Checked.lasting(findings.verdict(visibleTables(catalog)));
            }
            List<String> dropped = new ArrayList<>();
            for (SelectItem<?> item : findings.filterable) {
                List<SelectItem<?>> owner = stars.ownerOf(item);
                int index = owner == null ? -1 : StarRewrite.indexOf(owner, item);
                if (index < 0 || owner.size() == 1) {
                    return Checked.lasting(findings.verdict(visibleTables(catalog)));
                }
                owner.remove(index);
                dropped.add(item.toString());
            }
            warnings.add(
                    "Removed column(s) that do not exist or may not be read from the select list (on_denied: filter): "
                            + String.join(", ", dropped));
        }
        if (stars.any()) {
            if (!stars.apply()) {
                return Checked.lasting(findings.verdict(visibleTables(catalog)));
            }
            warnings.add("SELECT * was expanded to the allowed columns (select_star_policy: expand_safe)");
        }
        if (warnings.isEmpty()) {
            return Checked.lasting(new Verdict.Allowed(lexed.executableSql(), false, List.of()));
        }
        return rewritten(select, lexed, catalog, warnings);
    }

    private boolean filterable(Findings findings) {
        return policy.config().columns().onDenied() == OnDenied.FILTER && findings.onlyColumnDenials()
                && findings.unfilterableColumnDenials == 0 && !findings.filterable.isEmpty();
    }

    /** Deparses the rewritten tree, puts the literals back, and checks the result again (without rewriting). */
    private Checked rewritten(Select select, LexedStatement lexed, Catalog catalog, List<String> warnings) {
        if (lexed.hasGroupByDistinct()) {
            // the deparsed skeleton would group by every repeated grouping set
            return Checked.lasting(unsafe(COULD_NOT_REWRITE));
        }
        String skeleton = select.toString();
        String sql;
        try {
            sql = restoreLiterals(skeleton, lexed);
            if (!operators(sql).equals(operators(lexed.executableSql()))) {
                // a placeholder came back in another place than it was written: the rewrite would change the query
                throw new IllegalStateException("operators moved in the rewritten query");
            }
        } catch (LexerException | IllegalStateException e) {
            return Checked.lasting(unsafe(COULD_NOT_REWRITE));
        }
        Checked again = check(sql, catalog, false);
        return switch (again.verdict()) {
            case Verdict.Allowed allowed -> new Checked(new Verdict.Allowed(allowed.sql(), true, warnings),
                    again.lasting());
            case Verdict.Denied denied -> again;
        };
    }

    /** The operators of a query in order, without {@code *} (a rewrite expands or drops select-list stars). */
    private static List<String> operators(String sql) throws LexerException {
        List<String> operators = new ArrayList<>();
        for (Token token : Lexer.tokenize(sql)) {
            if (token.kind() == TokenKind.OPERATOR && !token.text().equals("*")) {
                operators.add(token.text());
            }
        }
        return operators;
    }

    /**
     * The deparsed skeleton with the literals, and the operators the skeleton spelled as
     * {@link ParserSpelling#PLACEHOLDER} (without the dummy {@code 0} of a prefix one), put back.
     * JSQLParser prints every operator where it was written, so the n-th {@code |} of the deparsed text is
     * the n-th of the skeleton; a different count means the tree was changed in a way this cannot follow,
     * and the rewrite is given up.
     */
    private static String restoreLiterals(String skeleton, LexedStatement lexed) throws LexerException {
        StringBuilder sql = new StringBuilder(skeleton.length() + 64);
        int copied = 0;
        int operators = 0;
        Token previous = null;
        for (Token token : Lexer.tokenize(skeleton)) {
            Token before = previous;
            previous = token;
            String text;
            if (token.kind() == TokenKind.STRING) {
                OptionalInt index = LexedStatement.placeholderIndex(token.value());
                if (index.isEmpty() || index.getAsInt() >= lexed.literalCount()) {
                    throw new IllegalStateException("unexpected literal in the rewritten query");
                }
                text = lexed.literal(index.getAsInt());
            } else if (token.kind() == TokenKind.OPERATOR && token.text().equals(ParserSpelling.PLACEHOLDER)) {
                if (operators >= lexed.operatorCount()) {
                    throw new IllegalStateException("unexpected operator in the rewritten query");
                }
                if (lexed.operatorIsPrefix(operators)) {
                    // a prefix operator: the dummy 0 before its placeholder goes
                    if (before == null || before.kind() != TokenKind.NUMBER || !before.text().equals("0")
                            || before.start() < copied) {
                        throw new IllegalStateException("a prefix operator lost its place in the rewritten query");
                    }
                    sql.append(skeleton, copied, before.start()).append(lexed.operatorText(operators++));
                    copied = token.end();
                    continue;
                }
                text = lexed.operatorText(operators++);
            } else {
                continue;
            }
            sql.append(skeleton, copied, token.start()).append(text);
            copied = token.end();
        }
        if (operators != lexed.operatorCount()) {
            throw new IllegalStateException("an operator went missing in the rewritten query");
        }
        return sql.append(skeleton, copied, skeleton.length()).toString();
    }

    /** The tables the caller may read, as refusals list them. */
    private List<String> visibleTables(Catalog catalog) {
        return catalog.relations().stream().filter(t -> policy.tableAllowed(t.schema(), t.name()))
                .map(FromClause::display).toList();
    }

    private static Verdict.Denied unsafe(String message) {
        return new Verdict.Denied(Verdict.Reason.UNSAFE_SQL, message, new RefusalDetails.None());
    }
}
