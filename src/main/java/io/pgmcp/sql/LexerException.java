package io.pgmcp.sql;

/**
 * The SQL was rejected before parsing. The message is written for the author of the SQL (usually
 * an LLM): it says what is wrong and at which offset, and how to write it instead where that helps.
 */
public final class LexerException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int offset;

    LexerException(String message, int offset) {
        super(message);
        this.offset = offset;
    }

    /** The 0-based character offset in the submitted SQL the problem was found at. */
    public int offset() {
        return offset;
    }
}
