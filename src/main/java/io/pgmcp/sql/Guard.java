package io.pgmcp.sql;

import io.pgmcp.catalog.Catalog;

/**
 * Decides whether SQL may run. {@link SqlGuard} is the implementation; the interface exists so a
 * test can switch the guard off and prove that the database role alone (see
 * {@link LeastPrivilegeGrants}) still keeps the data safe.
 */
@FunctionalInterface
public interface Guard {
    Verdict check(String sql, Catalog catalog);
}
