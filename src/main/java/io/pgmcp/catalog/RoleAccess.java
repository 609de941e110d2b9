package io.pgmcp.catalog;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the connected role can read, as PostgreSQL itself decides it: every relation outside
 * {@code pg_catalog}, {@code information_schema} and the toast and temporary schemas for which the
 * role has USAGE on the schema and SELECT on at least one column (through a table or column grant,
 * PUBLIC, or a role it inherits from), with the columns of each it cannot read. Immutable.
 *
 * @param readable readable relations by schema and name, each with its columns the role cannot read
 */
public record RoleAccess(Map<Relation, Set<String>> readable) {

    /** A relation by schema and name, as the catalog spells them. */
    public record Relation(String schema, String name) {
        public Relation {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return schema + "." + name;
        }
    }

    public RoleAccess {
        readable = Map.copyOf(readable);
    }

    /** Whether the role can read at least one column of {@code schema.name}. */
    public boolean canRead(String schema, String name) {
        return readable.containsKey(new Relation(schema, name));
    }

    /** Whether the role can read {@code column} of {@code schema.name}. */
    public boolean canRead(String schema, String name, String column) {
        Set<String> unreadable = readable.get(new Relation(schema, name));
        return unreadable != null && !unreadable.contains(column);
    }

    /** The readable relations, in no particular order. */
    public List<Relation> relations() {
        return List.copyOf(readable.keySet());
    }
}
