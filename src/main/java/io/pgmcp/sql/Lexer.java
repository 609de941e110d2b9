package io.pgmcp.sql;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A PostgreSQL 15-faithful lexer for the SQL guard: it decides where literals, identifiers, comments
 * and statements really are, the way the server will, and rejects what it cannot be sure of.
 *
 * <p>Guarantees of {@link #tokenize}: every token's offsets and text are those of the source; tokens
 * are in order and do not overlap; the values are decoded as PostgreSQL decodes them with
 * {@code standard_conforming_strings = on}; brackets balance. Anything else ends in a
 * {@link LexerException} - never another exception for any non-null input.
 *
 * <p>Rejected, with a message saying what and where: input over {@value #MAX_SQL_LENGTH}
 * characters; no tokens besides comments; NUL, control characters other than tab/LF/CR/FF, unpaired
 * surrogates (anywhere); invisible format characters, line/paragraph separators and non-ASCII
 * spaces outside literals and quoted identifiers; unterminated literals, identifiers and comments;
 * comments nested deeper than {@value #MAX_COMMENT_DEPTH}; brackets nested deeper than {@value
 * #MAX_NESTING_DEPTH} or unbalanced; names over {@value #MAX_NAME_BYTES} bytes (PostgreSQL would
 * silently truncate them); runs of more than {@value #MAX_NAME_BYTES} operator characters; invalid
 * escapes, and escapes that produce NUL, invalid UTF-8 or control characters; two literals in a row
 * without a line break between them (a syntax error in PostgreSQL); numbers with trailing junk
 * ({@code 0x1F}, {@code 1FROM}: errors in PostgreSQL 15); characters PostgreSQL has no token for
 * ({@code \ { } $}); backticks and operators containing {@code //}, which other SQL dialects (and
 * JSQLParser) read as quotes and comments.
 *
 * <p>Stateless and thread-safe; each call works on its own state.
 */
public final class Lexer {
    /** Longest accepted input, in UTF-16 characters. */
    public static final int MAX_SQL_LENGTH = 65_536;
    /** Deepest accepted nesting of block comments. */
    public static final int MAX_COMMENT_DEPTH = 32;
    /** Deepest accepted nesting of parentheses and brackets. */
    public static final int MAX_NESTING_DEPTH = 100;
    /** Longest accepted name in UTF-8 bytes (NAMEDATALEN - 1). */
    public static final int MAX_NAME_BYTES = 63;

    private final String sql;
    private final int length;
    private final QuotedScanner quoted;
    private final List<Token> tokens = new ArrayList<>();
    private final int[] openers = new int[MAX_NESTING_DEPTH];
    private int depth;
    private Token lastCode;
    private int pos;

    private Lexer(String sql) {
        this.sql = sql;
        this.length = sql.length();
        this.quoted = new QuotedScanner(sql);
    }

    /**
     * Splits {@code sql} into tokens, comments included (as {@link TokenKind#COMMENT}), whitespace
     * dropped. Does not look at statement boundaries or parameters; see {@link #analyse}.
     *
     * @return an unmodifiable list with at least one non-comment token
     * @throws LexerException if the text is rejected (see the class description)
     */
    public static List<Token> tokenize(String sql) throws LexerException {
        Objects.requireNonNull(sql, "sql");
        return new Lexer(sql).run();
    }

    /**
     * Lexes exactly one statement and produces its executable text and its parser skeleton.
     *
     * @throws LexerException if the text is rejected by {@link #tokenize}, holds more than one
     *                        statement, has bind parameters, or an operator that is no built-in
     *                        operator where it stands ({@link ParserSpelling#isUserOperator})
     */
    public static LexedStatement analyse(String sql) throws LexerException {
        return LexedStatement.of(sql, tokenize(sql));
    }

    private List<Token> run() throws LexerException {
        if (length > MAX_SQL_LENGTH) {
            throw new LexerException("SQL is " + length + " characters long; the limit is " + MAX_SQL_LENGTH,
                    MAX_SQL_LENGTH);
        }
        SqlChars.checkAllCharacters(sql);
        while (pos < length) {
            next();
        }
        if (depth > 0) {
            int at = openers[depth - 1];
            throw new LexerException("'" + sql.charAt(at) + "' at offset " + at + " is never closed", at);
        }
        if (lastCode == null) {
            throw new LexerException("empty statement: there is no SQL outside comments and whitespace", 0);
        }
        return Collections.unmodifiableList(tokens);
    }

    private void next() throws LexerException {
        char c = sql.charAt(pos);
        char c1 = pos + 1 < length ? sql.charAt(pos + 1) : 0;
        switch (c) {
            case ' ', '\t', '\n', '\r', '\f' -> pos++;
            case '\'' -> add(quoted.scanString(pos, pos, Quoting.STANDARD));
            case '"' -> add(quoted.scanQuotedIdentifier(pos, pos, Quoting.STANDARD));
            case '$' -> dollar(c1);
            case '(', '[' -> open();
            case ')', ']' -> close();
            case ',', ';' -> simple(TokenKind.PUNCTUATION, 1);
            case '.' -> {
                if (SqlChars.isDigit(c1)) {
                    number();
                } else {
                    simple(TokenKind.PUNCTUATION, c1 == '.' ? 2 : 1);
                }
            }
            case ':' -> {
                if (c1 == ':') {
                    simple(TokenKind.TYPECAST, 2);
                } else {
                    simple(TokenKind.PUNCTUATION, c1 == '=' ? 2 : 1);
                }
            }
            case '-' -> {
                if (c1 == '-') {
                    comment(Comments.lineCommentEnd(sql, pos));
                } else {
                    operator();
                }
            }
            case '/' -> {
                if (c1 == '*') {
                    comment(Comments.blockCommentEnd(sql, pos));
                } else {
                    operator();
                }
            }
            default -> {
                if (SqlChars.isDigit(c)) {
                    number();
                } else if (SqlChars.isOpChar(c)) {
                    operator();
                } else if (SqlChars.isIdentStart(c)) {
                    word(c, c1);
                } else {
                    throw new LexerException("unexpected character '" + c + "' at offset " + pos
                            + "; PostgreSQL has no token that starts with it", pos);
                }
            }
        }
    }

    /** An identifier, or a literal with a one-letter prefix: B'', X'', N'', E'', U&'', U&"". */
    private void word(char c, char c1) throws LexerException {
        if (c1 == '\'') {
            Quoting prefixed = switch (c) {
                case 'b', 'B' -> Quoting.BINARY;
                case 'x', 'X' -> Quoting.HEX;
                case 'n', 'N' -> Quoting.NATIONAL;
                case 'e', 'E' -> Quoting.ESCAPE;
                default -> Quoting.NONE;
            };
            if (prefixed != Quoting.NONE) {
                add(quoted.scanString(pos, pos + 1, prefixed));
                return;
            }
        }
        if ((c == 'u' || c == 'U') && c1 == '&' && pos + 2 < length) {
            char quote = sql.charAt(pos + 2);
            if (quote == '\'') {
                add(quoted.scanString(pos, pos + 2, Quoting.UNICODE));
                return;
            }
            if (quote == '"') {
                add(quoted.scanQuotedIdentifier(pos, pos + 2, Quoting.UNICODE));
                return;
            }
        }
        identifier();
    }

    private void identifier() throws LexerException {
        int start = pos;
        while (pos < length) {
            char c = sql.charAt(pos);
            if (c >= 0x80) {
                SqlChars.checkOutsideLiteral(sql, pos);
            } else if (!SqlChars.isIdentCont(c)) {
                break;
            }
            pos++;
        }
        String text = sql.substring(start, pos);
        checkNameLength(text, start);
        add(new Token(TokenKind.IDENTIFIER, Quoting.NONE, text, SqlChars.foldAscii(text), start, pos));
    }

    static void checkNameLength(String name, int start) throws LexerException {
        if (name.length() > MAX_NAME_BYTES / 3 && SqlChars.utf8Length(name) > MAX_NAME_BYTES) {
            throw new LexerException("the name starting at offset " + start + " is " + SqlChars.utf8Length(name)
                    + " bytes long; PostgreSQL would truncate it to " + MAX_NAME_BYTES
                    + " bytes, so use a shorter name",
                    start);
        }
    }

    /** scan.l's number rules as of PostgreSQL 15, which rejects an identifier glued to a number. */
    private void number() throws LexerException {
        int start = pos;
        int p = skipDigits(pos);
        boolean integerDigits = p > start;
        if (p < length && sql.charAt(p) == '.' && !(integerDigits && p + 1 < length && sql.charAt(p + 1) == '.')) {
            p = skipDigits(p + 1); // "1..2" is 1, "..", 2
        }
        if (p < length && (sql.charAt(p) | 0x20) == 'e') {
            int q = p + 1;
            if (q < length && (sql.charAt(q) == '+' || sql.charAt(q) == '-')) {
                q++;
            }
            if (q >= length || !SqlChars.isDigit(sql.charAt(q))) {
                throw trailingJunk(start);
            }
            p = skipDigits(q);
        }
        if (p < length && SqlChars.isIdentStart(sql.charAt(p))) {
            throw trailingJunk(start);
        }
        pos = start;
        simple(TokenKind.NUMBER, p - start);
    }

    private LexerException trailingJunk(int start) {
        return new LexerException("trailing junk after numeric literal at offset " + start
                + "; PostgreSQL 15 rejects a number directly followed by letters (e.g. 0x1F, 1e, 10abc)"
                + " - put a space after the number, or write hex values as x'1F'::int", start);
    }

    private int skipDigits(int p) {
        while (p < length && SqlChars.isDigit(sql.charAt(p))) {
            p++;
        }
        return p;
    }

    /**
     * scan.l's {operator} rule: cut before a comment start, drop trailing + and - in SQL-style runs.
     * Unlike PostgreSQL we refuse runs of more than {@value #MAX_NAME_BYTES} operator characters
     * outright: re-scanning a long run after each stripped sign is quadratic ("+-+-+-...").
     */
    private void operator() throws LexerException {
        int start = pos;
        int end = pos + 1;
        while (end < length && SqlChars.isOpChar(sql.charAt(end))) {
            char c = sql.charAt(end);
            char next = end + 1 < length ? sql.charAt(end + 1) : 0;
            if ((c == '/' && next == '*') || (c == '-' && next == '-')) {
                break; // a comment starts inside the run
            }
            if (end - start >= MAX_NAME_BYTES) {
                throw new LexerException("more than " + MAX_NAME_BYTES + " operator characters in a row at offset "
                        + start + "; separate operators with spaces", start);
            }
            end++;
        }
        char last = sql.charAt(end - 1);
        if (end - start > 1 && (last == '+' || last == '-')) {
            boolean nonSql = false;
            for (int i = start; i < end - 1 && !nonSql; i++) {
                nonSql = SqlChars.isNonSqlOpChar(sql.charAt(i));
            }
            if (!nonSql) {
                do {
                    end--;
                } while (end - start > 1 && (sql.charAt(end - 1) == '+' || sql.charAt(end - 1) == '-'));
            }
        }
        String op = sql.substring(start, end);
        if (op.indexOf('`') >= 0) {
            throw new LexerException("backtick at offset " + (start + op.indexOf('`'))
                    + ": PostgreSQL quotes identifiers with double quotes, not backticks", start);
        }
        if (op.contains("//")) {
            throw new LexerException("operator '" + op + "' at offset " + start
                    + " is not allowed: '//' starts a comment in other SQL dialects", start);
        }
        TokenKind kind = op.equals("=>") ? TokenKind.PUNCTUATION : TokenKind.OPERATOR;
        pos = end;
        add(new Token(kind, Quoting.NONE, op, op, start, end));
    }

    private void dollar(char c1) throws LexerException {
        if (SqlChars.isDigit(c1)) {
            int end = skipDigits(pos + 1);
            if (end < length && SqlChars.isIdentStart(sql.charAt(end))) {
                throw new LexerException("trailing junk after parameter at offset " + pos, pos);
            }
            simple(TokenKind.PARAMETER, end - pos);
            return;
        }
        int delimiterEnd = quoted.dollarDelimiterEnd(pos);
        if (delimiterEnd < 0) {
            throw new LexerException("unexpected '$' at offset " + pos
                    + "; a dollar-quoted string is written $$text$$ or $tag$text$tag$", pos);
        }
        add(quoted.scanDollar(pos, delimiterEnd));
    }

    private void open() throws LexerException {
        if (depth == MAX_NESTING_DEPTH) {
            throw new LexerException("parentheses and brackets are nested deeper than " + MAX_NESTING_DEPTH
                    + " levels at offset " + pos, pos);
        }
        openers[depth++] = pos;
        simple(TokenKind.PUNCTUATION, 1);
    }

    private void close() throws LexerException {
        char c = sql.charAt(pos);
        if (depth == 0) {
            throw new LexerException("unbalanced '" + c + "' at offset " + pos + ": nothing to close", pos);
        }
        int at = openers[--depth];
        char opener = sql.charAt(at);
        if ((opener == '(') != (c == ')')) {
            throw new LexerException("'" + c + "' at offset " + pos + " does not match '" + opener
                    + "' at offset " + at, pos);
        }
        simple(TokenKind.PUNCTUATION, 1);
    }

    private void comment(int end) {
        String text = sql.substring(pos, end);
        tokens.add(new Token(TokenKind.COMMENT, Quoting.NONE, text, text, pos, end));
        pos = end;
    }

    private void simple(TokenKind kind, int n) throws LexerException {
        String text = sql.substring(pos, pos + n);
        add(new Token(kind, Quoting.NONE, text, text, pos, pos + n));
    }

    private void add(Token token) throws LexerException {
        if (lastCode != null && isLiteral(lastCode) && isLiteral(token)) {
            throw new LexerException("the literal at offset " + token.start()
                    + " directly follows the literal at offset " + lastCode.start()
                    + "; PostgreSQL joins adjacent string literals only across a line break, otherwise it is a"
                    + " syntax error - write one literal or concatenate with ||", token.start());
        }
        tokens.add(token);
        lastCode = token;
        pos = token.end();
    }

    private static boolean isLiteral(Token t) {
        return t.kind() == TokenKind.STRING || t.kind() == TokenKind.BIT_STRING;
    }
}
