package io.pgmcp.sql;

/** Where PostgreSQL's comments end: {@code --} to end of line, {@code /* *}{@code /} nesting. */
final class Comments {
    private Comments() {}

    /** End (exclusive, before the newline) of the {@code --} comment starting at {@code p}. */
    static int lineCommentEnd(String s, int p) throws LexerException {
        int q = p + 2;
        while (q < s.length()) {
            char c = s.charAt(q);
            if (SqlChars.isNewline(c)) {
                break;
            }
            if (c >= 0x80) {
                SqlChars.checkOutsideLiteral(s, q);
            }
            q++;
        }
        return q;
    }

    /** End (exclusive) of the block comment starting at {@code p}; nested comments must close too. */
    static int blockCommentEnd(String s, int p) throws LexerException {
        int n = s.length();
        int depth = 1;
        int q = p + 2;
        while (q < n) {
            char c = s.charAt(q);
            char next = q + 1 < n ? s.charAt(q + 1) : 0;
            if (c == '/' && next == '*') {
                if (++depth > Lexer.MAX_COMMENT_DEPTH) {
                    throw new LexerException("block comments are nested deeper than " + Lexer.MAX_COMMENT_DEPTH
                            + " levels at offset " + q, q);
                }
                q += 2;
            } else if (c == '*' && next == '/') {
                q += 2;
                if (--depth == 0) {
                    return q;
                }
            } else {
                if (c >= 0x80) {
                    SqlChars.checkOutsideLiteral(s, q);
                }
                q++;
            }
        }
        throw new LexerException("unterminated /* comment starting at offset " + p
                + "; PostgreSQL block comments nest, so every /* inside it needs its own */", p);
    }

    /** Skips whitespace and comments from {@code p}; returns the offset of the next token or the end. */
    static int skipTrivia(String s, int p) throws LexerException {
        int n = s.length();
        while (p < n) {
            char c = s.charAt(p);
            char next = p + 1 < n ? s.charAt(p + 1) : 0;
            if (SqlChars.isSpace(c)) {
                p++;
            } else if (c == '-' && next == '-') {
                p = lineCommentEnd(s, p);
            } else if (c == '/' && next == '*') {
                p = blockCommentEnd(s, p);
            } else {
                break;
            }
        }
        return p;
    }
}
