package io.pgmcp.sql;

import io.pgmcp.config.DatabaseConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The SQL that makes the database role itself enforce a policy, written from the
 * configuration alone — no connection, so the role need not exist yet. One transaction that a DBA
 * runs as a superuser (or as a role with CREATEROLE that owns the tables):
 *
 * <ol>
 * <li>creates the login role when it is missing; when it exists, takes away what a reader must not
 *     have (superuser, BYPASSRLS, REPLICATION, CREATEDB, CREATEROLE, INHERIT, memberships in other
 *     roles);</li>
 * <li>sets role defaults that keep every session read-only and bounded, and CONNECT on the database
 *     only;</li>
 * <li>revokes every table, column, sequence and schema privilege the role holds outside the system
 *     schemas, then grants USAGE on the allowed schemas and SELECT on each allowed table or view that
 *     exists when it runs — column-level SELECT where columns are denied — deciding with the policy's
 *     own matching rules, carried into the script as data;</li>
 * <li>asks PostgreSQL whether the role can still read anything the policy denies (a grant to PUBLIC,
 *     or ownership) and, if so, fails, rolling everything back.</li>
 * </ol>
 * Running it twice changes nothing the second time; running it after a migration brings the grants up
 * to date. This is the real security boundary; pg-mcp's guard is the layer in front of it.
 */
public final class LeastPrivilegeGrants {
    static final String DEFAULT_ROLE = "pg_mcp_reader";

    /** Outside pg_catalog, information_schema and the toast and temporary schemas, as {@code RoleCheck} sees it. */
    private static final String USER_SCHEMA = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'";

    private LeastPrivilegeGrants() {}

    public static String render(DatabaseConfig db, AccessPolicy policy, Duration statementTimeout) {
        String role = db.user().orElse(DEFAULT_ROLE);
        String roleIdent = quote(role);
        var policyConfig = db.accessPolicy();
        StringBuilder sql = new StringBuilder(8192);
        sql.append("-- Least-privilege role ").append(comment(roleIdent)).append(" for pg-mcp database '")
                .append(db.name())
                .append("' (").append(comment(db.displayTarget())).append("), made from the configuration alone.\n")
                .append("-- Run it as a superuser (or a role with CREATEROLE that owns the tables) in database ")
                .append(comment(quote(db.dbname()))).append(",\n")
                .append("-- e.g. psql -v ON_ERROR_STOP=1 -d ").append(comment(db.dbname()))
                .append(" -f grants.sql. Replace the password.\n")
                .append("-- Safe to run again, and run it again after a migration: it creates the role only when missing,\n")
                .append("-- takes back every privilege beyond what the policy allows, grants SELECT on the allowed tables and\n")
                .append("-- columns that exist when it runs, and fails (changing nothing) if PostgreSQL says the role could\n")
                .append("-- still read something the policy denies.\n")
                .append("-- Policy: ")
                .append(comment("allowed_schemas " + policyConfig.allowedSchemas() + ", tables.allowed "
                        + policyConfig.tables().allowed() + ", tables.denied " + policyConfig.tables().denied()
                        + ", columns.denied "
                        + policyConfig.columns().denied() + ", columns.denied_patterns "
                        + policyConfig.columns().deniedPatterns()))
                .append(".\n");
        sql.append("BEGIN;\n\n");
        sql.append(block(role(role)));
        sql.append("ALTER ROLE ").append(roleIdent).append(" SET default_transaction_read_only = on;\n")
                .append("ALTER ROLE ").append(roleIdent).append(" SET statement_timeout = '")
                .append(Math.max(1, statementTimeout.toMillis())).append("ms';\n")
                .append("ALTER ROLE ").append(roleIdent).append(" SET idle_in_transaction_session_timeout = '60s';\n")
                .append("ALTER ROLE ").append(roleIdent).append(" SET search_path = ")
                .append(String.join(", ", policy.searchPath().stream().map(LeastPrivilegeGrants::quote).toList()))
                .append(";\n")
                .append("REVOKE ALL ON DATABASE ").append(quote(db.dbname())).append(" FROM ").append(roleIdent)
                .append(";\n")
                .append("GRANT CONNECT ON DATABASE ").append(quote(db.dbname())).append(" TO ").append(roleIdent)
                .append(";\n\n");
        sql.append(block(privileges(role, policy)));
        sql.append("COMMIT;\n")
                .append("-- Nothing else: no INSERT/UPDATE/DELETE/TRUNCATE, no CREATE, and do not add this role to\n")
                .append("-- pg_read_server_files, pg_write_server_files, pg_execute_server_program or pg_signal_backend.\n");
        return sql.toString();
    }

    /**
     * The SQL for the role a {@code principals} entry runs as on {@code db} ({@code SET LOCAL ROLE}): the same
     * privileges as {@link #render} writes, from the principal's effective {@code policy}, granted to a role
     * created {@code NOLOGIN} when missing and stripped of every other power and membership when it exists;
     * then the role granted to the login role so that pg-mcp may assume it. The login role is NOINHERIT (as
     * {@link #render} makes it), so the membership lets it switch to the role but gives it none of the role's
     * privileges. Run it after the login role's script, which takes back every membership of the login role.
     *
     * @param principal the entry's name, for the comment
     */
    public static String renderForPrincipal(DatabaseConfig db, String principal, String role, AccessPolicy policy) {
        String login = db.user().orElse(DEFAULT_ROLE);
        String roleIdent = quote(role);
        var policyConfig = policy.config();
        StringBuilder sql = new StringBuilder(8192);
        sql.append("-- Role ").append(comment(roleIdent)).append(" of pg-mcp principal '").append(comment(principal))
                .append("' on database '").append(db.name()).append("' (").append(comment(db.displayTarget()))
                .append("):\n")
                .append("-- pg-mcp runs every statement of this principal there as this role (SET LOCAL ROLE), so it\n")
                .append("-- reads only what the role may read. Run after the login role's script, as the same user.\n")
                .append("-- Policy: ")
                .append(comment("allowed_schemas " + policyConfig.allowedSchemas() + ", tables.allowed "
                        + policyConfig.tables().allowed() + ", tables.denied " + policyConfig.tables().denied()
                        + ", columns.denied " + policyConfig.columns().denied() + ", columns.denied_patterns "
                        + policyConfig.columns().deniedPatterns()))
                .append(".\n");
        sql.append("BEGIN;\n\n");
        sql.append(block(principalRole(role)));
        sql.append("REVOKE ALL ON DATABASE ").append(quote(db.dbname())).append(" FROM ").append(roleIdent)
                .append(";\n\n");
        sql.append(block(privileges(role, policy)));
        sql.append("GRANT ").append(roleIdent).append(" TO ").append(quote(login)).append(";\n");
        sql.append("COMMIT;\n")
                .append("-- Row-level security narrows further, to rows: e.g. for a table with an owner column,\n")
                .append("--   ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;\n")
                .append("--   CREATE POLICY own_rows ON public.notes FOR SELECT TO ").append(comment(roleIdent))
                .append(" USING (owner = current_user);\n")
                .append("-- (current_user is the role's name while pg-mcp runs as it.)\n");
        return sql.toString();
    }

    /** A role to switch to: created NOLOGIN when missing, stripped of every power and membership when it exists. */
    private static String principalRole(String role) {
        return reader(role, "EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT"
                + " NOREPLICATION NOBYPASSRLS', reader);", "", "");
    }

    /** The login role: created when missing, stripped of what a reader must not have when it exists. */
    private static String role(String role) {
        return reader(role, "EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE"
                + " NOINHERIT NOREPLICATION NOBYPASSRLS',\n                 reader, 'change-me');",
                " OR NOT existing.rolcanlogin", " LOGIN");
    }

    /**
     * A reading role: {@code create} makes it when missing; when it exists, it loses every power a reader must not
     * have (and gets {@code alsoSet}, when {@code alsoWhen} says it lacks it) and every membership.
     */
    private static String reader(String role, String create, String alsoWhen, String alsoSet) {
        return String.format(Locale.ROOT,
                """
                        DECLARE
                          reader constant text := %s;
                          existing record;
                          membership record;
                        BEGIN
                          SELECT * INTO existing FROM pg_roles WHERE rolname = reader;
                          IF NOT FOUND THEN
                            %s
                            RETURN;
                          END IF;
                          -- the role exists: take away what a reader must not have (the first needs a superuser)
                          IF existing.rolsuper OR existing.rolbypassrls OR existing.rolreplication THEN
                            EXECUTE format('ALTER ROLE %%I NOSUPERUSER NOBYPASSRLS NOREPLICATION', reader);
                          END IF;
                          IF existing.rolcreatedb OR existing.rolcreaterole OR existing.rolinherit%s THEN
                            EXECUTE format('ALTER ROLE %%I NOCREATEDB NOCREATEROLE NOINHERIT%s', reader);
                          END IF;
                          FOR membership IN SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                                            WHERE m.member = existing.oid LOOP
                            EXECUTE format('REVOKE %%I FROM %%I', membership.rolname, reader);
                            RAISE NOTICE 'role %% is no longer a member of %%', reader, membership.rolname;
                          END LOOP;
                        END
                        """,
                literal(role), create, alsoWhen, alsoSet);
    }

    /** Every privilege taken back, the policy's granted, and PostgreSQL asked whether anything denied is still readable. */
    private static String privileges(String role, AccessPolicy policy) {
        List<String> patterns = policy.deniedColumnPatterns().stream().map(p -> postgresRegex(p.glob())).toList();
        return String.format(Locale.ROOT,
                """
                        DECLARE
                          reader constant text := %s;
                          allowed_schemas constant text[] := %s;  -- as PostgreSQL folds them
                          allowed_tables constant text[] := %s;   -- "table" or "schema.table", folded; empty: every table
                          denied_tables constant text[] := %s;    -- lower case, "table" or "schema.table"
                          denied_columns constant text[] := %s;   -- lower case, "table.column" or "schema.table.column"
                          denied_patterns constant text[] := %s;  -- the globs as regular expressions, matched ignoring case
                          s record;
                          t record;
                          leaks text[] := ARRAY[]::text[];
                        BEGIN
                          FOR s IN SELECT n.nspname FROM pg_namespace n WHERE %s ORDER BY 1 LOOP
                            EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %%I FROM %%I', s.nspname, reader);  -- column grants too
                            EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %%I FROM %%I', s.nspname, reader);
                            EXECUTE format('REVOKE ALL ON SCHEMA %%I FROM %%I', s.nspname, reader);
                            IF s.nspname = ANY (allowed_schemas) THEN
                              EXECUTE format('GRANT USAGE ON SCHEMA %%I TO %%I', s.nspname, reader);
                            END IF;
                          END LOOP;
                          FOR t IN
                            WITH relations AS (
                              SELECT c.oid, n.oid AS nspoid, n.nspname, c.relname,
                                     n.nspname = ANY (allowed_schemas)
                                       AND NOT (lower(c.relname) = ANY (denied_tables) OR lower(n.nspname || '.' || c.relname) = ANY (denied_tables))
                                       AND (cardinality(allowed_tables) = 0 OR c.relname = ANY (allowed_tables)
                                            OR n.nspname || '.' || c.relname = ANY (allowed_tables)) AS allowed
                              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                              WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND %s
                            ), columns AS (
                              SELECT r.oid, a.attnum, a.attname,
                                     lower(r.relname || '.' || a.attname) = ANY (denied_columns)
                                       OR lower(r.nspname || '.' || r.relname || '.' || a.attname) = ANY (denied_columns)
                                       OR EXISTS (SELECT FROM unnest(denied_patterns) p
                                                  WHERE r.relname || '.' || a.attname ~* p OR r.nspname || '.' || r.relname || '.' || a.attname ~* p)
                                       AS denied
                              FROM relations r JOIN pg_attribute a ON a.attrelid = r.oid
                              WHERE a.attnum > 0 AND NOT a.attisdropped
                            )
                            SELECT r.oid, r.nspoid, r.nspname, r.relname, r.allowed,
                                   (SELECT string_agg(quote_ident(k.attname), ', ' ORDER BY k.attnum) FROM columns k
                                    WHERE k.oid = r.oid AND NOT k.denied) AS readable,
                                   ARRAY(SELECT k.attnum FROM columns k WHERE k.oid = r.oid AND k.denied) AS hidden
                            FROM relations r ORDER BY r.nspname, r.relname
                          LOOP
                            IF t.allowed AND cardinality(t.hidden) = 0 THEN
                              EXECUTE format('GRANT SELECT ON %%I.%%I TO %%I', t.nspname, t.relname, reader);
                            ELSIF t.allowed AND t.readable IS NOT NULL THEN
                              EXECUTE format('GRANT SELECT (%%s) ON %%I.%%I TO %%I', t.readable, t.nspname, t.relname, reader);
                            END IF;
                            -- PostgreSQL decides what the role can read now: PUBLIC's grants and ownership count too
                            IF has_schema_privilege(reader, t.nspoid, 'USAGE') THEN
                              IF NOT t.allowed AND has_any_column_privilege(reader, t.oid, 'SELECT') THEN
                                leaks := leaks || format('%%I.%%I', t.nspname, t.relname);
                              ELSIF t.allowed THEN
                                leaks := leaks || ARRAY(SELECT format('%%I.%%I.%%I', t.nspname, t.relname, a.attname)
                                                        FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum = ANY (t.hidden)
                                                          AND has_column_privilege(reader, t.oid, a.attnum, 'SELECT'));
                              END IF;
                            END IF;
                          END LOOP;
                          IF cardinality(leaks) > 0 THEN
                            RAISE EXCEPTION 'role %% can still read what the policy denies: %%', reader, array_to_string(leaks, ', ')
                              USING HINT = 'a grant to PUBLIC, or the role owns it; revoke that (or change the owner), then run this again';
                          END IF;
                        END
                        """,
                literal(role), array(policy.allowedSchemaNames()), array(policy.allowedTableNames()),
                array(policy.deniedTableNames()), array(policy.deniedColumnNames()), array(patterns), USER_SCHEMA,
                USER_SCHEMA);
    }

    /** {@code DO $tag$ body $tag$;} with a dollar-quote tag the body does not contain (names come from the config). */
    private static String block(String body) {
        String tag = "$pgmcp$";
        for (int i = 1; body.contains(tag); i++) {
            tag = "$pgmcp" + i + "$";
        }
        return "DO " + tag + "\n" + body + tag + ";\n\n";
    }

    /**
     * A glob of {@code columns.denied_patterns} as a PostgreSQL regular expression for {@code ~*}:
     * anchored, {@code *} any run, {@code ?} one character, anything but letters and digits escaped
     * (an ARE backslash before a letter or digit would start an escape).
     */
    static String postgresRegex(String glob) {
        StringBuilder re = new StringBuilder(glob.length() * 2 + 2).append('^');
        for (int i = 0; i < glob.length();) {
            int c = glob.codePointAt(i);
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else if (Character.isLetterOrDigit(c)) {
                re.appendCodePoint(c);
            } else {
                re.append('\\').appendCodePoint(c);
            }
            i += Character.charCount(c);
        }
        return re.append('$').toString();
    }

    /** Config text for a {@code --} comment: a line break in a name must not end the comment and start a statement. */
    private static String comment(String text) {
        return text.replaceAll("\\p{Cntrl}", " ");
    }

    /** An escape string literal: the same whatever {@code standard_conforming_strings} says. */
    static String literal(String text) {
        return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    private static String array(Collection<String> values) {
        List<String> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return "ARRAY[" + String.join(", ", sorted.stream().map(LeastPrivilegeGrants::literal).toList()) + "]::text[]";
    }

    static String quote(String identifier) {
        return Names.display(identifier);
    }
}
