package io.pgmcp.cli;

/** A command line that cannot be understood; the caller prints the message and the usage, exit 2. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
