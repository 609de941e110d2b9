package io.pgmcp.db;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a new physical connection; the pool calls it outside its lock. */
@FunctionalInterface
public interface ConnectionFactory {
    Connection open() throws SQLException;
}
