package io.pgmcp.db;

import java.sql.SQLException;

/**
 * The role a call was to run as ({@code SET LOCAL ROLE}) could not be assumed: it does not exist, or the login
 * role is not a member allowed to set it. Nothing of the call ran, not even as the login role. A fault of the
 * configuration or the database's roles, not of the caller's SQL; never retried. The driver's exception is the
 * cause.
 */
public final class RoleUnavailableException extends DatabaseException {
    private static final long serialVersionUID = 1L;

    private final String role;

    RoleUnavailableException(String role, SQLException cause) {
        super("the configured role \"" + role + "\" could not be assumed: " + cause.getMessage(),
                SqlFailure.of(cause, false), cause);
        this.role = role;
    }

    /** The role's name, as configured. */
    public String role() {
        return role;
    }
}
