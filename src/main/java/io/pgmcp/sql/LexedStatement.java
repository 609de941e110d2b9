package io.pgmcp.sql;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Exactly one lexed SQL statement, in the two normalised forms the guard needs.
 *
 * <p>{@link #executableSql()} is what runs: the statement re-emitted token by token, without a
 * trailing {@code ;} and without comments (a removed comment and the whitespace around it become one
 * space, or one newline if the whitespace held a line break; other whitespace is kept as written,
 * and a space is added where two re-written tokens would otherwise touch), where every character
 * string literal is a standard {@code '...'} literal with {@code '} doubled (from {@code E''},
 * {@code U&''} with or without UESCAPE, {@code $tag$}, and newline-continued pieces merged into
 * one); {@code N'...'} keeps its
 * {@code N} (PostgreSQL types it as {@code character}, and dropping or casting it would change
 * typing or precedence); {@code U&"..."} and unquoted names containing non-ASCII characters or
 * {@code $} become plain {@code "..."} quoted identifiers of the same (folded) name; bit strings are
 * re-emitted as {@code B'...'}/{@code X'...'}; {@code TABLE name} opening a query is written out as
 * {@code SELECT * FROM name} (see {@link ParserSpelling}). Everything else is the source text. With
 * {@code standard_conforming_strings = on}, PostgreSQL reads it exactly as it reads the source, and it
 * holds none of the constructs client-side lexers get wrong: no comments, no {@code E''} strings
 * (a backslash is always an ordinary character), no dollar quotes, no Unicode escapes, no control
 * characters. Operators containing {@code ?} are kept as written.
 *
 * <p>{@link #skeletonSql()} is the same text with every character string literal {@code n}
 * (0-based, in order) replaced by the placeholder {@code 's<n>'} ({@code N's<n>'} for national
 * literals). Because every literal is replaced, a string value {@code s<n>} in the parsed skeleton
 * is always placeholder {@code n}; {@link #literal(int)} gives back its executable text. Literal
 * contents can therefore never influence how the parser reads the structure. Built-in operators JSQLParser
 * cannot read (and {@code OPERATOR(pg_catalog.op)}) are the binary operator {@code |} there, with
 * spaces around it, prefix ones {@code 0 |} ({@link #operatorIsPrefix}); {@link #operatorText(int)} gives
 * back what each {@code |} of the skeleton stands for.
 * A name JSQLParser would read as a keyword is quoted there (the same name to PostgreSQL), an empty
 * select list is {@link ParserSpelling#EMPTY_SELECT_LIST}, a typed literal ({@code text 'x'}) is
 * {@code CAST('s<n>' AS text)}, and {@code GROUP BY DISTINCT} or {@code GROUP BY ALL} is a plain
 * {@code GROUP BY} (the same grouping expressions; see {@link #hasGroupByDistinct()}).
 *
 * <p>Immutable and thread-safe.
 */
public final class LexedStatement {
    private static final String PLACEHOLDER_PREFIX = "s";

    private final String sourceSql;
    private final List<Token> tokens;
    private final List<Token> literals;
    private final List<String> literalTexts;
    private final List<String> operatorTexts;
    private final Set<Integer> prefixOperators;
    private final String executableSql;
    private final String skeletonSql;
    private final boolean groupByDistinct;

    private LexedStatement(String sourceSql, List<Token> tokens, List<Token> literals, List<String> literalTexts,
            List<String> operatorTexts, Set<Integer> prefixOperators, String executableSql, String skeletonSql,
            boolean groupByDistinct) {
        this.sourceSql = sourceSql;
        this.tokens = List.copyOf(tokens);
        this.literals = List.copyOf(literals);
        this.literalTexts = List.copyOf(literalTexts);
        this.operatorTexts = List.copyOf(operatorTexts);
        this.prefixOperators = Set.copyOf(prefixOperators);
        this.executableSql = executableSql;
        this.skeletonSql = skeletonSql;
        this.groupByDistinct = groupByDistinct;
    }

    /** Builds the statement from the complete token list of {@code source}, comments included. */
    static LexedStatement of(String source, List<Token> all) throws LexerException {
        int stop = all.size();
        for (int i = 0; i < all.size() && stop == all.size(); i++) {
            Token t = all.get(i);
            if (t.kind() == TokenKind.PARAMETER) {
                throw new LexerException("bind parameters (" + t.text() + ") are not supported: found at offset "
                        + t.start() + "; write the value into the SQL as a literal", t.start());
            }
            if (t.isPunctuation(";")) {
                for (int j = i + 1; j < all.size(); j++) {
                    Token after = all.get(j);
                    if (after.kind() != TokenKind.COMMENT) {
                        throw new LexerException("multiple statements are not allowed: ';' at offset " + t.start()
                                + " is followed by more SQL at offset " + after.start()
                                + "; send one statement (a single trailing ';' is fine)", after.start());
                    }
                }
                stop = i;
            }
        }
        return render(source, all.subList(0, stop));
    }

    private static LexedStatement render(String source, List<Token> all) throws LexerException {
        List<Token> code = new ArrayList<>(all.size());
        List<String> gaps = new ArrayList<>(all.size());
        int cursor = -1;
        int gapStart = -1;
        boolean gapHasComment = false;
        boolean gapHasNewline = false;
        for (Token t : all) {
            for (int i = Math.max(cursor, 0); i < t.start() && !gapHasNewline; i++) {
                gapHasNewline = SqlChars.isNewline(source.charAt(i)); // only whitespace lies between tokens
            }
            cursor = t.end();
            if (t.kind() == TokenKind.COMMENT) {
                gapHasComment = true;
                continue;
            }
            if (code.isEmpty()) {
                gaps.add("");
            } else if (gapHasComment) {
                gaps.add(gapHasNewline ? "\n" : " "); // "-/**/-" must not become the comment "--"
            } else {
                gaps.add(source.substring(gapStart, t.start()));
            }
            code.add(t);
            gapStart = t.end();
            gapHasComment = false;
            gapHasNewline = false;
        }
        if (code.isEmpty()) {
            throw new LexerException("empty statement: there is no SQL before the ';'", 0);
        }
        List<Token> literals = new ArrayList<>();
        List<String> literalTexts = new ArrayList<>();
        List<String> operatorTexts = new ArrayList<>();
        Set<Integer> prefixOperators = new HashSet<>();
        StringBuilder executable = new StringBuilder(source.length() + 16);
        StringBuilder skeleton = new StringBuilder(source.length() + 16);
        int hiddenUntil = -1; // tokens of an OPERATOR(...) call or a typed literal that the skeleton spells as a whole
        boolean groupByDistinct = false;
        for (int i = 0; i < code.size(); i++) {
            Token t = code.get(i);
            boolean insideCall = i <= hiddenUntil;
            if (ParserSpelling.isUserOperator(code, i)) {
                throw new LexerException("operator " + t.text() + " at offset " + t.start()
                        + " is not one of PostgreSQL's "
                        + "built-in operators where it stands (an operator of another schema can run any function); "
                        + "separate operators with spaces, e.g. a % -b", t.start());
            }
            String text = executableText(t);
            String skeletonText = text;
            if (t.kind() == TokenKind.STRING) {
                skeletonText = (t.quoting() == Quoting.NATIONAL ? "N'" : "'") + placeholderValue(literals.size()) + "'";
                literals.add(t);
                literalTexts.add(text);
            } else if (!insideCall && ParserSpelling.typedLiteralLength(code, i) > 0) {
                // type 'string' is CAST('string' AS type); the literal itself is recorded when the loop reaches it
                int literal = i + ParserSpelling.typedLiteralLength(code, i);
                StringBuilder type = new StringBuilder(text);
                for (int j = i + 1; j < literal; j++) {
                    type.append(gaps.get(j)).append(executableText(code.get(j)));
                }
                skeletonText = "CAST('" + placeholderValue(literals.size()) + "' AS " + type + ")";
                hiddenUntil = literal;
            } else if (ParserSpelling.isNameJsqlParserReadsAsKeyword(code, i)) {
                skeletonText = quote(t.value(), '"');
            } else if (ParserSpelling.isGroupByQuantifier(code, i)) {
                groupByDistinct |= t.isWord("distinct");
                skeletonText = "";
            } else if (ParserSpelling.isTableQuery(code, i)) {
                text = "SELECT * FROM";
                skeletonText = text;
            } else if (!insideCall && ParserSpelling.operatorCallLength(code, i) > 0) {
                hiddenUntil = i + ParserSpelling.operatorCallLength(code, i) - 1;
                StringBuilder call = new StringBuilder(text);
                for (int j = i + 1; j <= hiddenUntil; j++) {
                    call.append(gaps.get(j)).append(executableText(code.get(j)));
                }
                skeletonText = placeholder(ParserSpelling.isPrefixOperator(code, i), operatorTexts.size(),
                        prefixOperators);
                operatorTexts.add(call.toString());
            } else if (!insideCall && (ParserSpelling.isHiddenOperator(t) || ParserSpelling.isPrefixOperator(code, i)
                    || t.kind() == TokenKind.OPERATOR && t.text().equals(ParserSpelling.PLACEHOLDER))) {
                skeletonText = placeholder(ParserSpelling.isPrefixOperator(code, i), operatorTexts.size(),
                        prefixOperators);
                operatorTexts.add(text);
            }
            String gap = gaps.get(i);
            if (i > 0 && gap.isEmpty() && mayJoin(executable.charAt(executable.length() - 1), text.charAt(0))) {
                gap = " "; // e.g. U&"a"U&"b" must not become "a""b"
            }
            executable.append(gap).append(text);
            if (!insideCall) {
                skeleton.append(gap).append(skeletonText); // inside OPERATOR(...) the placeholder stands for all of it
                if (ParserSpelling.opensEmptySelectList(code, i)) {
                    skeleton.append(' ').append(ParserSpelling.EMPTY_SELECT_LIST);
                }
            }
        }
        return new LexedStatement(source, code, literals, literalTexts, operatorTexts, prefixOperators,
                executable.toString(),
                skeleton.toString(), groupByDistinct);
    }

    /** The skeleton text of placeholder {@code n}: the binary placeholder, over a dummy left operand for a prefix operator. */
    private static String placeholder(boolean prefix, int n, Set<Integer> prefixOperators) {
        if (prefix) {
            prefixOperators.add(n);
            return " " + ParserSpelling.PREFIX_PLACEHOLDER + " ";
        }
        return " " + ParserSpelling.PLACEHOLDER + " ";
    }

    /**
     * Whether two tokens re-emitted without a gap could read differently: as one token, or - for
     * {@code U&E'x'}, {@code U&$$x$$} or {@code U&café}, which lex as {@code u}, {@code &} and a
     * literal - as a new {@code U&'...'} or {@code U&"..."} once the literal is re-written.
     */
    private static boolean mayJoin(char before, char after) {
        boolean quote = after == '\'' || after == '"';
        return (isWordOrQuote(before) && isWordOrQuote(after)) || (before == '&' && quote);
    }

    private static boolean isWordOrQuote(char c) {
        return SqlChars.isIdentCont(c) || c == '\'' || c == '"';
    }

    private static String executableText(Token t) {
        return switch (t.kind()) {
            case STRING -> (t.quoting() == Quoting.NATIONAL ? "N" : "") + quote(t.value(), '\'');
            case BIT_STRING -> (t.quoting() == Quoting.BINARY ? "B'" : "X'") + t.value() + "'";
            case QUOTED_IDENTIFIER -> t.quoting() == Quoting.STANDARD ? t.text() : quote(t.value(), '"');
            case IDENTIFIER -> needsQuotes(t.value()) ? quote(t.value(), '"') : t.text();
            default -> t.text();
        };
    }

    /** Non-ASCII and {@code $} are identifier characters only in PostgreSQL; quoting keeps parsers in step. */
    private static boolean needsQuotes(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 0x80 || c == '$') {
                return true;
            }
        }
        return false;
    }

    private static String quote(String value, char q) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append(q);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == q) {
                sb.append(q);
            }
            sb.append(c);
        }
        return sb.append(q).toString();
    }

    /** The value of placeholder {@code n} as the skeleton's parser reports it: {@code s<n>}. */
    public static String placeholderValue(int n) {
        return PLACEHOLDER_PREFIX + n;
    }

    /**
     * The literal index of a skeleton string value such as {@code s3}; empty if {@code value} is not a
     * placeholder (which, for a value parsed out of {@link #skeletonSql()}, cannot happen).
     */
    public static OptionalInt placeholderIndex(String value) {
        int n = value.length();
        if (n < 2 || n > 7 || !value.startsWith(PLACEHOLDER_PREFIX) || (value.charAt(1) == '0' && n > 2)) {
            return OptionalInt.empty();
        }
        int index = 0;
        for (int i = 1; i < n; i++) {
            char c = value.charAt(i);
            if (!SqlChars.isDigit(c)) {
                return OptionalInt.empty();
            }
            index = index * 10 + (c - '0');
        }
        return OptionalInt.of(index);
    }

    /** The SQL as submitted. */
    public String sourceSql() {
        return sourceSql;
    }

    /** The text to execute; see the class description. */
    public String executableSql() {
        return executableSql;
    }

    /** The text to parse, with literals replaced by placeholders; see the class description. */
    public String skeletonSql() {
        return skeletonSql;
    }

    /**
     * True when a {@code GROUP BY DISTINCT} (which drops repeated grouping sets) is written: the skeleton,
     * and so a deparsed rewrite of it, has a plain {@code GROUP BY} there.
     */
    public boolean hasGroupByDistinct() {
        return groupByDistinct;
    }

    /** The statement's tokens without comments and without the trailing {@code ;}, in source order. */
    public List<Token> tokens() {
        return tokens;
    }

    /** Number of character string literals (placeholders). */
    public int literalCount() {
        return literals.size();
    }

    /**
     * The executable text of literal {@code n}, e.g. {@code 'it''s'} or {@code N'x'}.
     *
     * @throws IndexOutOfBoundsException if there is no literal {@code n}
     */
    public String literal(int n) {
        return literalTexts.get(n);
    }

    /** Number of {@link ParserSpelling#PLACEHOLDER} operators in the skeleton (written ones included). */
    public int operatorCount() {
        return operatorTexts.size();
    }

    /**
     * The executable text of the {@code n}-th {@link ParserSpelling#PLACEHOLDER} operator of the skeleton:
     * {@code |} where the query wrote {@code |}, else the operator it stands for, e.g. {@code @?} or
     * {@code OPERATOR(pg_catalog.+)}.
     *
     * @throws IndexOutOfBoundsException if there is no such operator
     */
    public String operatorText(int n) {
        return operatorTexts.get(n);
    }

    /**
     * True when the {@code n}-th {@link ParserSpelling#PLACEHOLDER} of the skeleton stands for a prefix
     * operator: it is the placeholder of {@link ParserSpelling#PREFIX_PLACEHOLDER}, after a dummy {@code 0}.
     */
    public boolean operatorIsPrefix(int n) {
        return prefixOperators.contains(n);
    }

    /**
     * The token of literal {@code n}, for its decoded {@link Token#value()} and original quoting.
     *
     * @throws IndexOutOfBoundsException if there is no literal {@code n}
     */
    public Token literalToken(int n) {
        return literals.get(n);
    }

    @Override
    public String toString() {
        return "LexedStatement[" + executableSql + "]";
    }
}
