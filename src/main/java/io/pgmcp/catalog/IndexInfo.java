package io.pgmcp.catalog;

import java.util.List;

/**
 * An index on a table.
 *
 * @param columns the indexed column names, or expressions as PostgreSQL prints them
 * @param method  the access method: btree, hash, gin, gist, brin, ...
 */
public record IndexInfo(String name, List<String> columns, String method, boolean unique, boolean primary) {
    public IndexInfo {
        columns = List.copyOf(columns);
    }
}
