package io.pgmcp.sql;

import java.util.Objects;

/**
 * One lexical token of a PostgreSQL statement.
 *
 * @param kind    what the token is
 * @param quoting how a literal or quoted identifier was written ({@link Quoting#NONE} otherwise)
 * @param text    the token exactly as it appears in the source, {@code source.substring(start, end)};
 *                for a string continued over several lines, or a {@code U&} literal with
 *                {@code UESCAPE}, this spans every piece
 * @param value   the meaning: folded name for identifiers, decoded content for strings and quoted
 *                identifiers, the digits for bit strings, the text for everything else
 * @param start   offset of the first character in the source (0-based, UTF-16 units)
 * @param end     offset just past the last character
 */
public record Token(TokenKind kind, Quoting quoting, String text, String value, int start, int end) {

    /** Validates that the fields agree with each other; throws {@link IllegalArgumentException} if not. */
    public Token {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(quoting, "quoting");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(value, "value");
        if (start < 0 || end <= start || text.length() != end - start) {
            throw new IllegalArgumentException(
                    "token " + kind + " has offsets " + start + ".." + end + " but text of length " + text.length());
        }
        boolean quotingFits = switch (kind) {
            case STRING -> quoting == Quoting.STANDARD || quoting == Quoting.ESCAPE || quoting == Quoting.UNICODE
                    || quoting == Quoting.NATIONAL || quoting == Quoting.DOLLAR;
            case BIT_STRING -> quoting == Quoting.BINARY || quoting == Quoting.HEX;
            case QUOTED_IDENTIFIER -> quoting == Quoting.STANDARD || quoting == Quoting.UNICODE;
            default -> quoting == Quoting.NONE;
        };
        if (!quotingFits) {
            throw new IllegalArgumentException("token " + kind + " cannot have quoting " + quoting);
        }
    }

    /** True for an unquoted identifier or keyword whose folded value is {@code foldedName}. */
    public boolean isWord(String foldedName) {
        return kind == TokenKind.IDENTIFIER && value.equals(foldedName);
    }

    /** True for the punctuation token {@code symbol}, e.g. {@code ";"} or {@code "("}. */
    public boolean isPunctuation(String symbol) {
        return kind == TokenKind.PUNCTUATION && text.equals(symbol);
    }
}
