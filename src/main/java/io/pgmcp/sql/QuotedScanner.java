package io.pgmcp.sql;

import java.nio.charset.CharacterCodingException;

/**
 * Scans everything quoted: the {@code '}-family of literals (standard, {@code E}, {@code U&}, {@code N},
 * {@code B}, {@code X}) with PostgreSQL's newline continuation, quoted identifiers, dollar quotes, and
 * the {@code UESCAPE} clause after {@code U&}. Returns tokens; never adds them anywhere. Not thread-safe.
 */
final class QuotedScanner {
    private final String sql;
    private final int length;
    private final LiteralBuffer buffer = new LiteralBuffer();

    QuotedScanner(String sql) {
        this.sql = sql;
        this.length = sql.length();
    }

    /**
     * Scans a {@code '}-family literal whose prefix starts at {@code start} and whose opening quote is
     * at {@code quote}, including continuation pieces and, for {@code U&}, a UESCAPE clause.
     */
    Token scanString(int start, int quote, Quoting quoting) throws LexerException {
        buffer.reset();
        boolean bits = quoting == Quoting.BINARY || quoting == Quoting.HEX;
        int p = quote + 1;
        while (true) {
            p = scanPiece(p, start, quoting, bits);
            int next = continuation(p);
            if (next < 0) {
                break;
            }
            p = next + 1;
        }
        String value = finish(start);
        if (bits) {
            checkDigits(value, start, quoting);
            return token(TokenKind.BIT_STRING, quoting, start, p, value);
        }
        if (quoting == Quoting.UNICODE) {
            Uescape clause = uescape(p);
            value = EscapeDecoder.decodeUnicode(value, clause.escape(), start);
            p = clause.end();
        }
        if (quoting == Quoting.UNICODE || quoting == Quoting.ESCAPE) {
            SqlChars.checkDecoded(value, start);
        }
        return token(TokenKind.STRING, quoting, start, p, value);
    }

    /** One piece from just after its opening quote to just after its closing quote. */
    private int scanPiece(int p, int start, Quoting quoting, boolean bits) throws LexerException {
        boolean escapes = quoting == Quoting.ESCAPE;
        while (true) {
            if (p >= length) {
                String what = bits ? "bit-string" : "string";
                throw new LexerException("unterminated " + what + " literal starting at offset " + start
                        + "; close it with ' (and write a quote inside it as '')", start);
            }
            char c = sql.charAt(p);
            if (c == '\'') {
                if (!bits && p + 1 < length && sql.charAt(p + 1) == '\'') {
                    buffer.append('\'');
                    p += 2;
                    continue;
                }
                return p + 1;
            }
            if (escapes && c == '\\') {
                if (p + 1 >= length) {
                    p = length; // a backslash at the very end escapes nothing: unterminated
                    continue;
                }
                p = EscapeDecoder.decodeEscape(sql, p, buffer);
                continue;
            }
            int run = p + 1;
            while (run < length) {
                char r = sql.charAt(run);
                if (r == '\'' || (escapes && r == '\\')) {
                    break;
                }
                run++;
            }
            buffer.append(sql, p, run);
            p = run;
        }
    }

    /**
     * After a closing quote at {@code p - 1}: the offset of the opening quote of a continuation piece,
     * or -1. PostgreSQL continues a literal only across whitespace (and -- comments) holding a newline.
     */
    private int continuation(int p) throws LexerException {
        boolean newline = false;
        int q = p;
        while (q < length) {
            char c = sql.charAt(q);
            if (c == ' ' || c == '\t' || c == '\f') {
                q++;
            } else if (SqlChars.isNewline(c)) {
                newline = true;
                q++;
            } else if (c == '-' && q + 1 < length && sql.charAt(q + 1) == '-') {
                q = Comments.lineCommentEnd(sql, q);
            } else {
                break;
            }
        }
        return newline && q < length && sql.charAt(q) == '\'' ? q : -1;
    }

    /** Scans {@code "name"} or {@code U&"name"} (with optional UESCAPE) starting at {@code start}. */
    Token scanQuotedIdentifier(int start, int quote, Quoting quoting) throws LexerException {
        buffer.reset();
        int p = quote + 1;
        while (true) {
            if (p >= length) {
                throw new LexerException("unterminated quoted identifier starting at offset " + start
                        + "; close it with \" (and write a quote inside it as \"\")", start);
            }
            char c = sql.charAt(p);
            if (c == '"') {
                if (p + 1 < length && sql.charAt(p + 1) == '"') {
                    buffer.append('"');
                    p += 2;
                    continue;
                }
                p++;
                break;
            }
            int run = p + 1;
            while (run < length && sql.charAt(run) != '"') {
                run++;
            }
            buffer.append(sql, p, run);
            p = run;
        }
        if (buffer.isEmpty()) {
            throw new LexerException("zero-length quoted identifier \"\" at offset " + start, start);
        }
        String value = finish(start);
        if (quoting == Quoting.UNICODE) {
            Uescape clause = uescape(p);
            value = EscapeDecoder.decodeUnicode(value, clause.escape(), start);
            p = clause.end();
            SqlChars.checkDecoded(value, start);
        }
        Lexer.checkNameLength(value, start);
        return token(TokenKind.QUOTED_IDENTIFIER, quoting, start, p, value);
    }

    /**
     * End of the {@code $tag$} delimiter starting at {@code p} (exclusive), or -1 if there is none.
     * The tag is empty or an identifier without {@code $}.
     */
    int dollarDelimiterEnd(int p) {
        int q = p + 1;
        if (q < length && sql.charAt(q) != '$') {
            char c = sql.charAt(q);
            if (!SqlChars.isIdentStart(c)) {
                return -1;
            }
            q++;
            while (q < length && SqlChars.isDollarTagCont(sql.charAt(q))) {
                q++;
            }
        }
        return q < length && sql.charAt(q) == '$' ? q + 1 : -1;
    }

    /** Scans {@code $tag$...$tag$} whose delimiter spans {@code start..delimiterEnd}. */
    Token scanDollar(int start, int delimiterEnd) throws LexerException {
        for (int i = start + 1; i < delimiterEnd - 1; i++) {
            if (sql.charAt(i) >= 0x80) {
                SqlChars.checkOutsideLiteral(sql, i);
            }
        }
        String delimiter = sql.substring(start, delimiterEnd);
        int close = sql.indexOf(delimiter, delimiterEnd);
        if (close < 0) {
            throw new LexerException("unterminated dollar-quoted string starting at offset " + start
                    + ": no closing " + delimiter, start);
        }
        int end = close + delimiter.length();
        return token(TokenKind.STRING, Quoting.DOLLAR, start, end, sql.substring(delimiterEnd, close));
    }

    /**
     * PostgreSQL's parser looks past a {@code U&} literal for {@code UESCAPE 'c'}. Returns the end of
     * the clause (or {@code p} if there is none) and the escape character.
     */
    private Uescape uescape(int p) throws LexerException {
        int q = Comments.skipTrivia(sql, p);
        if (!SqlChars.regionIsWord(sql, q, "uescape")
                || (q + 7 < length && SqlChars.isIdentCont(sql.charAt(q + 7)))) {
            return new Uescape(p, '\\');
        }
        int r = Comments.skipTrivia(sql, q + 7);
        Token escape = simpleString(r);
        if (escape == null) {
            throw new LexerException("UESCAPE at offset " + q + " must be followed by a simple string literal"
                    + " holding the escape character, e.g. UESCAPE '!'", q);
        }
        return new Uescape(escape.end(), EscapeDecoder.uescapeChar(escape.value(), escape.start()));
    }

    /** A standard, E or dollar-quoted string at {@code r} (what PostgreSQL calls SCONST), else null. */
    private Token simpleString(int r) throws LexerException {
        if (r >= length) {
            return null;
        }
        char c = sql.charAt(r);
        if (c == '\'') {
            return scanString(r, r, Quoting.STANDARD);
        }
        if ((c == 'e' || c == 'E') && r + 1 < length && sql.charAt(r + 1) == '\'') {
            return scanString(r, r + 1, Quoting.ESCAPE);
        }
        if (c == '$') {
            int delimiterEnd = dollarDelimiterEnd(r);
            return delimiterEnd < 0 ? null : scanDollar(r, delimiterEnd);
        }
        return null;
    }

    private String finish(int start) throws LexerException {
        try {
            return buffer.finish();
        } catch (CharacterCodingException e) {
            throw new LexerException("the escapes of the string literal starting at offset " + start
                    + " produce bytes that are not valid UTF-8", start);
        }
    }

    private static void checkDigits(String digits, int start, Quoting quoting) throws LexerException {
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            boolean ok = quoting == Quoting.BINARY ? c == '0' || c == '1' : SqlChars.isHexDigit(c);
            if (!ok) {
                String what = quoting == Quoting.BINARY ? "binary digit (0 or 1)" : "hexadecimal digit";
                throw new LexerException("'" + c + "' is not a valid " + what
                        + " in the bit-string literal starting at offset " + start, start);
            }
        }
    }

    /** End of a U& literal including its UESCAPE clause, and the escape character in force. */
    private record Uescape(int end, char escape) {}

    private Token token(TokenKind kind, Quoting quoting, int start, int end, String value) {
        return new Token(kind, quoting, sql.substring(start, end), value, start, end);
    }
}
