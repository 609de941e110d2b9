package io.pgmcp.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/** Opens a new physical connection; the pool calls it outside its lock. */
@FunctionalInterface
public interface ConnectionFactory {
    Connection open() throws SQLException;

    /**
     * The session settings every connection opened here starts with; empty (the default) when none are
     * promised, and then every call sets its statement timeout and search path itself.
     */
    default Optional<SessionDefaults> sessionDefaults() {
        return Optional.empty();
    }
}
