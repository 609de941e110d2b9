package io.pgmcp.catalog;

import io.pgmcp.db.Database;
import io.pgmcp.db.DatabaseException;
import io.pgmcp.db.SqlSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the configured database role may do beyond reading: a superuser, an owner of
 * objects in the allowed schemas, a role with write or CREATE privileges, or a member of the
 * file-reading/program-running/signalling roles is more powerful than pg-mcp needs. Read-only queries.
 */
public final class RoleCheck {
    private static final String QUERY = """
            SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls,
              (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ANY(?) AND c.relowner = r.oid AND c.relkind IN ('r','p','v','m','f')),
              (SELECT string_agg(DISTINCT n.nspname || '.' || c.relname, ', ') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ANY(?) AND c.relkind IN ('r','p')
                  AND has_table_privilege(r.oid, c.oid, 'INSERT,UPDATE,DELETE,TRUNCATE')),
              (SELECT string_agg(n.nspname, ', ') FROM pg_namespace n WHERE n.nspname = ANY(?)
                  AND has_schema_privilege(r.oid, n.oid, 'CREATE')),
              (SELECT string_agg(m.rolname, ', ') FROM pg_roles m
                WHERE m.rolname IN ('pg_read_server_files', 'pg_write_server_files', 'pg_execute_server_program', 'pg_signal_backend')
                  AND pg_has_role(r.oid, m.oid, 'MEMBER'))
            FROM pg_roles r WHERE r.rolname = current_user""";

    /**
     * Relations the current role can read, and of those the columns it cannot: has_schema_privilege
     * and has_any_column_privilege / has_column_privilege count grants to PUBLIC and to roles the role
     * inherits from, as PostgreSQL would when the role queries.
     */
    private static final String ACCESS = """
            SELECT n.nspname, c.relname,
                   ARRAY(SELECT a.attname::text FROM pg_attribute a
                         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                           AND NOT has_column_privilege(c.oid, a.attnum, 'SELECT'))
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
              AND has_schema_privilege(n.oid, 'USAGE') AND has_any_column_privilege(c.oid, 'SELECT')""";

    /**
     * Of the roles given, those the current role cannot {@code SET ROLE} to: missing, not a member, or (on
     * PostgreSQL 16 and later) a member without the SET option. The CASE keeps the 'SET' privilege, which older
     * servers do not know, from being asked there.
     */
    private static final String UNASSUMABLE = """
            SELECT r.name FROM unnest(?::text[]) WITH ORDINALITY AS r(name, i)
            WHERE NOT EXISTS (
              SELECT FROM pg_roles g
              WHERE g.rolname = r.name AND pg_has_role(current_user, g.oid, 'MEMBER')
                AND CASE WHEN current_setting('server_version_num')::int >= 160000
                         THEN pg_has_role(current_user, g.oid, 'SET') ELSE true END)
            ORDER BY r.i""";

    private RoleCheck() {}

    /**
     * Which of {@code roles} (exact names) the connected role cannot assume with {@code SET ROLE}, in the order
     * given; empty when it can assume them all. A superuser can assume any role that exists.
     */
    public static List<String> unassumableRoles(SqlSession session, Collection<String> roles)
            throws DatabaseException {
        if (roles.isEmpty()) {
            return List.of();
        }
        List<String> missing = new ArrayList<>();
        session.query(UNASSUMABLE, List.of(List.copyOf(roles)), 0, row -> missing.add(row.text(1)));
        return missing;
    }

    /** As above, for the login role of {@code database}, in one read-only call. */
    public static List<String> unassumableRoles(Database database, Collection<String> roles, Duration timeout)
            throws DatabaseException {
        return database.read(timeout, List.of("pg_catalog"), session -> unassumableRoles(session, roles));
    }

    /** What the connected role can read outside the system schemas (see {@link RoleAccess}). */
    public static RoleAccess access(SqlSession session) throws DatabaseException {
        Map<RoleAccess.Relation, Set<String>> readable = new HashMap<>();
        session.query(ACCESS, List.of(), 0,
                row -> readable.put(new RoleAccess.Relation(row.text(1), row.text(2)), Set.copyOf(row.textArray(3))));
        return new RoleAccess(readable);
    }

    /** What the login role of {@code database} can read, as PostgreSQL decides it, in one read-only call. */
    public static RoleAccess access(Database database, Duration timeout) throws DatabaseException {
        return database.read(timeout, List.of("pg_catalog"), RoleCheck::access);
    }

    /** One warning per excess power of the connected role; empty for a least-privilege role. */
    public static List<String> warnings(SqlSession session, List<String> allowedSchemas) throws DatabaseException {
        List<String> warnings = new ArrayList<>();
        List<String> schemas = List.copyOf(allowedSchemas);
        session.query(QUERY, List.of(schemas, schemas, schemas), 0, row -> {
            if (row.bool(1)) {
                warnings.add("the role is a SUPERUSER: it can read every table and file and bypass every grant");
            }
            if (row.bool(2) || row.bool(3)) {
                warnings.add("the role can create roles or databases");
            }
            if (row.bool(4)) {
                warnings.add("the role bypasses row-level security");
            }
            if (row.int8(5) > 0) {
                warnings.add(
                        "the role owns " + row.int8(5) + " relation(s) in the allowed schemas (owners bypass grants)");
            }
            if (row.text(6) != null) {
                warnings.add("the role can write to: " + row.text(6));
            }
            if (row.text(7) != null) {
                warnings.add("the role can CREATE in schema(s): " + row.text(7));
            }
            if (row.text(8) != null) {
                warnings.add("the role is a member of " + row.text(8));
            }
        });
        return warnings;
    }
}
