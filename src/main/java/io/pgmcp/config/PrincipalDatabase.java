package io.pgmcp.config;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * A database a principal may use: its name, the PostgreSQL role every statement of the principal runs as
 * there ({@code SET LOCAL ROLE}), and the effective policy (the database's, narrowed by the entry's
 * overlay; see {@link PolicyOverlay}).
 *
 * @param name         a configured database
 * @param role         the role's exact name (case-sensitive, quoted when sent), if the principal has one
 * @param accessPolicy the effective policy for this principal on this database
 */
public record PrincipalDatabase(String name, Optional<String> role, AccessPolicyConfig accessPolicy) {

    /** PostgreSQL's NAMEDATALEN less one: longer names are truncated by the server. */
    static final int MAX_ROLE_BYTES = 63;

    public PrincipalDatabase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(accessPolicy, "accessPolicy");
        if (role.isPresent()) {
            String problem = roleProblem(role.get());
            if (problem != null) {
                throw new IllegalArgumentException("role '" + role.get() + "' " + problem);
            }
        }
    }

    /**
     * Why {@code role} cannot be a principal's role, or null when it can. {@code none} is refused because
     * {@code SET ROLE 'none'} (even quoted) means {@code SET ROLE NONE}: it would run as the login role;
     * {@code public} names no role.
     */
    static String roleProblem(String role) {
        if (role.isBlank() || !role.strip().equals(role)) {
            return "must not be empty or start or end with a space";
        }
        if (role.indexOf('\0') >= 0) {
            return "must not contain a NUL character";
        }
        int bytes = role.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_ROLE_BYTES) {
            return "is " + bytes + " bytes long; PostgreSQL role names have at most " + MAX_ROLE_BYTES;
        }
        if (role.equals("none") || role.equals("public")) {
            return "is reserved by PostgreSQL (SET ROLE " + role + " would not switch to a role of that name)";
        }
        return null;
    }
}
