package io.pgmcp.sql;

/**
 * What a {@link Token} is, as PostgreSQL 15's scanner sees it. Keywords are not told apart from
 * identifiers here: a keyword is an {@link #IDENTIFIER} whose folded value is the keyword.
 */
public enum TokenKind {
    /** Unquoted name or keyword; the value is lower-cased the way PostgreSQL folds (ASCII A-Z only). */
    IDENTIFIER,
    /** {@code "name"} or {@code U&"name"}; the value is the decoded name, case preserved. */
    QUOTED_IDENTIFIER,
    /** Character string literal of any {@link Quoting}; the value is the decoded content. */
    STRING,
    /** {@code B'0101'} or {@code X'1F'}; the value is the digits only (already checked). */
    BIT_STRING,
    /** Integer, decimal or exponent-form number; the value is the text. */
    NUMBER,
    /** Positional parameter such as {@code $1}. */
    PARAMETER,
    /** Operator: {@code + - * / % ^ < > = ~ ! @ # & | ?} runs, cut as PostgreSQL cuts them. */
    OPERATOR,
    /** {@code ::}. */
    TYPECAST,
    /** {@code ( ) [ ] , ; : .} and the two-character {@code :=}, {@code =>}, {@code ..}. */
    PUNCTUATION,
    /** {@code -- ...} or a (possibly nested) {@code /* ... *}{@code /} comment; the value is the text. */
    COMMENT
}
