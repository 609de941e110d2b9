package io.pgmcp.sql;

import java.util.List;
import java.util.Set;

/**
 * Where the statement has to be spelled differently for JSQLParser to read it as PostgreSQL does.
 *
 * <p>A typed literal ({@code text 'x'}) is the cast it means in the skeleton ({@link #typedLiteralLength}).
 * Names JSQLParser would read as keywords ({@link #isNameJsqlParserReadsAsKeyword}) are quoted in the
 * skeleton. An empty select list ({@code SELECT FROM t}) is {@link #EMPTY_SELECT_LIST} in the skeleton only, and
 * the {@code DISTINCT} or {@code ALL} of {@code GROUP BY DISTINCT} is left out of it.
 *
 * <p>{@code TABLE name} at the start of a query is PostgreSQL's shorthand for {@code SELECT * FROM
 * name}; it is written out in both the executable text and the skeleton, so that what runs is what
 * was analysed (including the {@code SELECT *} rules and their rewrite).
 *
 * <p>Built-in binary operators that JSQLParser cannot read, or splits in two ({@code @?}, {@code ^@},
 * {@code #-}, {@code ~~}, ...), and the {@code OPERATOR(pg_catalog.op)} form of any built-in binary
 * operator are {@link #PLACEHOLDER} in the skeleton only: one binary operator in place of another,
 * with the same operands, which the analysis checks like any other. The executable text keeps the
 * operator as written, and a rewrite puts it back ({@link LexedStatement#operatorText}). Operators
 * of other schemas ({@code OPERATOR(public.+)}) are left as they are, so JSQLParser fails on them and
 * the query is refused: a user-defined operator can run any function. For the same reason the lexer
 * refuses an operator token that is no built-in operator where it stands ({@link #isUserOperator}).
 * Built-in prefix operators JSQLParser cannot read ({@code !! tsq}, {@code |/ x}, {@code @ -5},
 * {@code OPERATOR(pg_catalog.-) 5}) are {@link #PREFIX_PLACEHOLDER}: the placeholder over a dummy {@code 0}
 * and the operand, which the analysis checks; a rewrite puts the operator back and drops the {@code 0}. Stateless.
 */
final class ParserSpelling {
    /** The binary operator the skeleton uses for an operator JSQLParser cannot read. */
    static final String PLACEHOLDER = "|";

    /**
     * PostgreSQL 15's binary operators in {@code pg_catalog} that JSQLParser 5.4 does not read as one
     * operator (ParserSpellingTest checks this against JSQLParser, FunctionCatalogTest against the real catalog).
     */
    static final Set<String> HIDDEN_OPERATORS = Set.of("!~~", "!~~*", "#", "##", "#-", "&<", "&<|", "&>", "*<", "*<=",
            "*<>", "*=", "*>", "*>=", "-|-", "<<=", "<<|", "<^", ">>=", ">^", "?#", "?-", "?-|", "?||", "@?", "@@@",
            "^@",
            "|&>", "|>>", "~<=~", "~<~", "~=", "~>=~", "~>~", "~~", "~~*");

    /** Every binary operator name in PostgreSQL 15's {@code pg_catalog}: what {@code OPERATOR(pg_catalog.op)} may name. */
    static final Set<String> BUILTIN_BINARY_OPERATORS = Set.of("!~", "!~*", "!~~", "!~~*", "#", "##", "#-", "#>", "#>>",
            "%", "&", "&&", "&<", "&<|", "&>", "*", "*<", "*<=", "*<>", "*=", "*>", "*>=", "+", "-", "->", "->>", "-|-",
            "/", "<", "<->", "<<", "<<=", "<<|", "<=", "<>", "<@", "<^", "=", ">", ">=", ">>", ">>=", ">^", "?", "?#",
            "?&", "?-", "?-|", "?|", "?||", "@>", "@?", "@@", "@@@", "^", "^@", "|", "|&>", "|>>", "||", "~", "~*",
            "~<=~", "~<~", "~=", "~>=~", "~>~", "~~", "~~*");

    /**
     * Every prefix operator name in PostgreSQL 15's {@code pg_catalog} (FunctionCatalogTest checks it).
     * JSQLParser reads {@code + - ~} before an operand; the others it cannot read there.
     */
    static final Set<String> BUILTIN_PREFIX_OPERATORS = Set.of("!!", "#", "+", "-", "?-", "?|", "@", "@-@", "@@", "|/",
            "||/", "~");

    /** Where the skeleton has a prefix operator JSQLParser cannot read: a binary placeholder over a dummy left operand. */
    static final String PREFIX_PLACEHOLDER = "0 " + PLACEHOLDER;

    /** Reserved words (and {@code BY}) after which an operand starts, never ends. */
    private static final Set<String> BEFORE_OPERAND = Set.of("select", "where", "and", "or", "not", "when", "then",
            "else",
            "case", "on", "having", "distinct", "all", "between", "symmetric", "asymmetric", "like", "ilike", "escape",
            "to",
            "from", "limit", "offset", "returning", "for", "by");

    /**
     * The select-list item the skeleton writes where a query has none ({@code SELECT FROM t}, valid
     * PostgreSQL that JSQLParser cannot read): a backtick-quoted name, which JSQLParser reads as a column
     * and no query can hold (the lexer refuses backticks). The analysis reads it as no column at all.
     */
    static final String EMPTY_SELECT_LIST = "`pg-mcp: no columns`";

    /** The reserved words that end a select list: right after SELECT, the list is empty. */
    private static final Set<String> AFTER_SELECT_LIST = Set.of("from", "where", "group", "having", "window", "union",
            "intersect", "except", "order", "limit", "offset", "fetch", "for", "into");

    /**
     * Words JSQLParser 5.4 reads as its keywords but PostgreSQL 15 reads as names wherever a query can hold
     * them: no PostgreSQL keyword ({@code sample}), or an unreserved one used only outside queries (COPY,
     * CREATE, FETCH, triggers). The skeleton quotes them everywhere.
     */
    static final Set<String> NAMES_EVERYWHERE = Set.of("sample", "csv", "enum", "force", "import", "prior", "returns",
            "statement");

    /**
     * Words JSQLParser 5.4 cannot read as a column alias after {@code AS} or as a name next to a dot, where
     * PostgreSQL reads any word as a name (ColLabel, attr_name; before a dot, a qualifier). The skeleton
     * quotes them there (JsqlParserBehaviourTest pins the list).
     */
    static final Set<String> NAMES_AFTER_AS_OR_DOT = Set.of("and", "as", "between", "both", "check", "constraint",
            "cross",
            "csv", "current", "distinct", "else", "except", "exists", "false", "fetch", "for", "force", "foreign",
            "from", "full",
            "having", "ilike", "import", "inner", "intersect", "into", "is", "join", "lateral", "like", "natural",
            "not",
            "null", "only", "or", "outer", "prior", "returning", "returns", "sample", "select", "statement",
            "tablesample",
            "trailing", "true", "unbounded", "union", "unique", "unknown", "using", "when", "where", "window", "with",
            "xmlserialize");

    private ParserSpelling() {}

    /**
     * True when the unquoted word {@code code[i]} is a name to PostgreSQL that JSQLParser would read as a
     * keyword: the skeleton writes it as the quoted identifier of the same (folded) name. After {@code AS},
     * {@code NOT} is the {@code AS NOT MATERIALIZED} of a CTE; every other word there is an alias or, in
     * {@code CAST(x AS t)}, a type name, and no word of the list is a type that quoting would change.
     */
    static boolean isNameJsqlParserReadsAsKeyword(List<Token> code, int i) {
        Token t = code.get(i);
        if (t.kind() != TokenKind.IDENTIFIER) {
            return false;
        }
        if (NAMES_EVERYWHERE.contains(t.value())) {
            return true;
        }
        if (!NAMES_AFTER_AS_OR_DOT.contains(t.value())) {
            return false;
        }
        if (i + 1 < code.size() && code.get(i + 1).isPunctuation(".")) {
            return true; // a word before a dot can only be the first part of a qualified name
        }
        Token before = i == 0 ? null : code.get(i - 1);
        return before != null && (before.isPunctuation(".") || before.isWord("as") && !t.isWord("not"));
    }

    /**
     * True when {@code code[i]} is {@code SELECT} (or the {@code ALL} of {@code SELECT ALL}) and the
     * select list after it is empty: the statement ends, or a {@code )} or a reserved word that ends the
     * select list follows. Reserved words cannot be column names, so this is exactly where PostgreSQL
     * reads an empty select list.
     */
    static boolean opensEmptySelectList(List<Token> code, int i) {
        Token t = code.get(i);
        boolean select = t.isWord("select") || t.isWord("all") && i > 0 && code.get(i - 1).isWord("select");
        if (!select) {
            return false;
        }
        if (i + 1 == code.size()) {
            return true;
        }
        Token next = code.get(i + 1);
        return next.isPunctuation(")")
                || next.kind() == TokenKind.IDENTIFIER && AFTER_SELECT_LIST.contains(next.value());
    }

    /** True when {@code code[i]} is {@code TABLE} opening a query ({@code TABLE name}, {@code (TABLE name)}, {@code UNION TABLE name}). */
    static boolean isTableQuery(List<Token> code, int i) {
        Token t = code.get(i);
        if (!t.isWord("table") || i + 1 >= code.size()) {
            return false;
        }
        TokenKind next = code.get(i + 1).kind();
        if (next != TokenKind.IDENTIFIER && next != TokenKind.QUOTED_IDENTIFIER) {
            return false;
        }
        if (i == 0) {
            return true;
        }
        Token before = code.get(i - 1);
        if (before.isPunctuation("(") || before.isPunctuation(")")) {
            return true; // (TABLE x) is a subquery; after ")" only WITH ... AS (...) TABLE x is PostgreSQL
        }
        if (isSetOperation(before)) {
            return true;
        }
        return (before.isWord("all") || before.isWord("distinct")) && i >= 2 && isSetOperation(code.get(i - 2));
    }

    /**
     * The number of tokens of a type name starting at {@code code[i]} that a character string literal
     * directly follows — PostgreSQL's typed literal {@code type 'string'}, which is exactly
     * {@code CAST('string' AS type)} — else 0. Only the built-in types a query may cast to
     * ({@link CastTypes}), bare or {@code pg_catalog.}-qualified, with a type modifier
     * ({@code varchar(3) 'abc'}, {@code timestamp(0) with time zone '...'}); not {@code interval}, whose
     * literal takes trailing units and which JSQLParser reads itself. The skeleton spells it as the cast.
     */
    static int typedLiteralLength(List<Token> code, int i) {
        int start = i;
        if (isPgCatalog(code.get(i)) && i + 2 < code.size() && code.get(i + 1).isPunctuation(".")) {
            start = i + 2;
        }
        int words = 0;
        while (start + words < code.size() && words < 4 && code.get(start + words).kind() == TokenKind.IDENTIFIER) {
            words++;
        }
        for (int n = words; n >= 1; n--) {
            StringBuilder name = new StringBuilder();
            for (int w = 0; w < n; w++) {
                name.append(w == 0 ? "" : " ").append(code.get(start + w).value());
            }
            String type = name.toString();
            if (!CastTypes.isBuiltin(type) || type.equals("interval") || type.equals("unknown") || start > i && n > 1) {
                continue;
            }
            int end = skipTypeModifier(code, start + n);
            if ((type.equals("time") || type.equals("timestamp")) && end > start + n) {
                end = skipTimeZone(code, end);
            }
            if (end < code.size() && code.get(end).kind() == TokenKind.STRING
                    && code.get(end).quoting() != Quoting.NATIONAL) {
                return end - i;
            }
        }
        return 0;
    }

    /** Past {@code (n [, n ...])} at {@code code[at]}, if there is one. */
    private static int skipTypeModifier(List<Token> code, int at) {
        if (at >= code.size() || !code.get(at).isPunctuation("(")) {
            return at;
        }
        int p = at + 1;
        while (p + 1 < code.size() && code.get(p).kind() == TokenKind.NUMBER) {
            if (code.get(p + 1).isPunctuation(")")) {
                return p + 2;
            }
            if (!code.get(p + 1).isPunctuation(",")) {
                break;
            }
            p += 2;
        }
        return at;
    }

    /** Past {@code with time zone} or {@code without time zone} at {@code code[at]}, if it is there. */
    private static int skipTimeZone(List<Token> code, int at) {
        boolean zone = at + 2 < code.size() && (code.get(at).isWord("with") || code.get(at).isWord("without"))
                && code.get(at + 1).isWord("time") && code.get(at + 2).isWord("zone");
        return zone ? at + 3 : at;
    }

    /**
     * True when {@code code[i]} is the {@code DISTINCT} or {@code ALL} of {@code GROUP BY DISTINCT} /
     * {@code GROUP BY ALL} (PostgreSQL 14+), which JSQLParser cannot read: the skeleton leaves it out. The
     * grouping expressions, all the analysis needs, are the same; DISTINCT only drops repeated grouping sets.
     */
    static boolean isGroupByQuantifier(List<Token> code, int i) {
        Token t = code.get(i);
        return (t.isWord("distinct") || t.isWord("all")) && i >= 2 && code.get(i - 1).isWord("by")
                && code.get(i - 2).isWord("group");
    }

    private static boolean isSetOperation(Token t) {
        return t.isWord("union") || t.isWord("intersect") || t.isWord("except");
    }

    /**
     * The number of tokens of {@code OPERATOR(op)} or {@code OPERATOR(pg_catalog.op)} starting at
     * {@code code[i]} naming a built-in operator (a prefix one where an operand starts, else a binary
     * one), else 0.
     */
    static int operatorCallLength(List<Token> code, int i) {
        int op = operatorCallOperator(code, i);
        if (op < 0) {
            return 0;
        }
        String name = code.get(op).text();
        boolean builtin = startsOperand(code, i)
                ? BUILTIN_PREFIX_OPERATORS.contains(name)
                : BUILTIN_BINARY_OPERATORS.contains(name);
        return builtin ? op + 2 - i : 0;
    }

    /** The index of the operator token of an {@code OPERATOR([pg_catalog.]op)} starting at {@code code[i]}, else -1. */
    private static int operatorCallOperator(List<Token> code, int i) {
        if (!code.get(i).isWord("operator") || i + 3 >= code.size() || !code.get(i + 1).isPunctuation("(")) {
            return -1;
        }
        int op = i + 2;
        if (isPgCatalog(code.get(op)) && i + 5 < code.size() && code.get(op + 1).isPunctuation(".")) {
            op += 2;
        }
        return code.get(op).kind() == TokenKind.OPERATOR && code.get(op + 1).isPunctuation(")") ? op : -1;
    }

    /**
     * True when the built-in operator at {@code code[i]} (a token, or an {@code OPERATOR(...)} call
     * {@link #operatorCallLength} accepts) is a prefix operator the skeleton spells as
     * {@link #PREFIX_PLACEHOLDER}: one that is only prefix ({@code !! @ |/ ...}) wherever it stands; one
     * that is also binary where an operand starts; {@code + - ~} written as such JSQLParser reads itself.
     * A misjudged binary operator leaves {@code x 0 | y}, which JSQLParser refuses; a misjudged prefix one
     * an operator without its left operand, refused alike.
     */
    static boolean isPrefixOperator(List<Token> code, int i) {
        Token t = code.get(i);
        String name;
        if (operatorCallLength(code, i) > 0) {
            name = code.get(operatorCallOperator(code, i)).text();
        } else if (t.kind() == TokenKind.OPERATOR && !isInsideOperatorCall(code, i)) {
            name = t.text();
            if (name.equals("+") || name.equals("-") || name.equals("~")) {
                return false;
            }
        } else {
            return false;
        }
        return BUILTIN_PREFIX_OPERATORS.contains(name)
                && (!BUILTIN_BINARY_OPERATORS.contains(name) || startsOperand(code, i));
    }

    /** True for the operator token named in an {@code OPERATOR([schema.]op)} call. */
    private static boolean isInsideOperatorCall(List<Token> code, int i) {
        return i >= 2 && operatorCallOperator(code, i - 2) == i || i >= 4 && code.get(i - 1).isPunctuation(".")
                && code.get(i - 3).isPunctuation("(") && code.get(i - 4).isWord("operator");
    }

    /**
     * True when the operator token {@code code[i]} is no operator of {@code pg_catalog} where it stands:
     * no built-in name ({@code %-}, {@code <=>}, {@code !}: PostgreSQL's lexer reads such a run as one
     * operator, which only a user-defined operator, running any function, can be; JSQLParser may read it
     * as two), or a binary-only name where an operand starts (a prefix operator of that name is
     * user-defined). {@code *} there is the star, and {@code !=} is PostgreSQL's spelling of {@code <>}.
     */
    static boolean isUserOperator(List<Token> code, int i) {
        Token t = code.get(i);
        if (t.kind() != TokenKind.OPERATOR) {
            return false;
        }
        String name = t.text();
        if (!BUILTIN_BINARY_OPERATORS.contains(name) && !BUILTIN_PREFIX_OPERATORS.contains(name)
                && !name.equals("!=")) {
            return true;
        }
        return !name.equals("*") && !isInsideOperatorCall(code, i) && startsOperand(code, i)
                && !BUILTIN_PREFIX_OPERATORS.contains(name);
    }

    /**
     * True when an operand starts at {@code code[i]}: nothing is before it, or a bracket, comma, operator
     * or keyword that must be followed by one.
     */
    private static boolean startsOperand(List<Token> code, int i) {
        if (i == 0) {
            return true;
        }
        Token before = code.get(i - 1);
        return before.kind() == TokenKind.OPERATOR || before.isPunctuation("(") || before.isPunctuation("[")
                || before.isPunctuation(",") || before.isPunctuation("=>") || before.isPunctuation(":=")
                || before.kind() == TokenKind.IDENTIFIER && BEFORE_OPERAND.contains(before.value());
    }

    private static boolean isPgCatalog(Token t) {
        return (t.kind() == TokenKind.IDENTIFIER || t.kind() == TokenKind.QUOTED_IDENTIFIER)
                && t.value().equals("pg_catalog");
    }

    /** True for an operator token the skeleton spells as {@link #PLACEHOLDER}. */
    static boolean isHiddenOperator(Token t) {
        return t.kind() == TokenKind.OPERATOR && HIDDEN_OPERATORS.contains(t.text());
    }
}
