package io.pgmcp.sql;

/** How a literal or identifier was written in the source; {@link #NONE} for everything unquoted. */
public enum Quoting {
    /** Not a quoted token. */
    NONE,
    /** {@code 'text'} (backslash is an ordinary character) or {@code "name"}. */
    STANDARD,
    /** {@code E'text'}: C-style backslash escapes. */
    ESCAPE,
    /** {@code U&'text'} or {@code U&"name"}, optionally followed by {@code UESCAPE 'c'}. */
    UNICODE,
    /** {@code N'text'}: PostgreSQL reads it as a {@code character} (bpchar) typed literal. */
    NATIONAL,
    /** {@code $tag$text$tag$}: no escapes at all. */
    DOLLAR,
    /** {@code B'0101'}. */
    BINARY,
    /** {@code X'1F'}. */
    HEX
}
