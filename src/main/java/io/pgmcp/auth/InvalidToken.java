package io.pgmcp.auth;

/**
 * Why a presented token is not accepted, carried up from deep in the checks to become a 401 {@code invalid_token}.
 * The message is sent to the caller, so it never holds the token or a secret. No stack trace: this is an
 * answer, not a fault.
 */
final class InvalidToken extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidToken(String description) {
        super(description, null, false, false);
    }
}
