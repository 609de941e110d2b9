package io.pgmcp.sql;

import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.db.Catalog;
import io.pgmcp.db.ColumnInfo;
import io.pgmcp.db.TableInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL that makes the database role itself enforce a policy: a login role with
 * USAGE on the allowed schemas, SELECT on the allowed tables, column-level SELECT where columns are
 * denied, no grant at all on denied tables, and role defaults that keep every session read-only and
 * bounded. This is the real security boundary; pg-mcp's guard is the layer in front of it.
 */
public final class LeastPrivilegeGrants {

    private LeastPrivilegeGrants() {
    }

    public static String render(DatabaseConfig db, AccessPolicy policy, Catalog catalog, Duration statementTimeout) {
        String role = quote(db.user().orElse("pg_mcp_reader"));
        StringBuilder sql = new StringBuilder(1024);
        sql.append("-- Least-privilege role for pg-mcp database '").append(db.name()).append("' (")
                .append(db.displayTarget()).append(").\n")
                .append("-- Run as the owner of the tables (or a superuser). Replace the password.\n")
                .append("CREATE ROLE ").append(role).append(" LOGIN PASSWORD 'change-me' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;\n")
                .append("ALTER ROLE ").append(role).append(" SET default_transaction_read_only = on;\n")
                .append("ALTER ROLE ").append(role).append(" SET statement_timeout = '").append(Math.max(1, statementTimeout.toMillis()))
                .append("ms';\n")
                .append("ALTER ROLE ").append(role).append(" SET idle_in_transaction_session_timeout = '60s';\n")
                .append("ALTER ROLE ").append(role).append(" SET search_path = ")
                .append(String.join(", ", policy.searchPath().stream().map(LeastPrivilegeGrants::quote).toList())).append(";\n")
                .append("GRANT CONNECT ON DATABASE ").append(quote(db.dbname())).append(" TO ").append(role).append(";\n");
        for (String schema : catalog.schemas()) {
            if (!policy.schemaAllowed(schema)) {
                continue;
            }
            sql.append("\n-- schema ").append(schema).append('\n')
                    .append("GRANT USAGE ON SCHEMA ").append(quote(schema)).append(" TO ").append(role).append(";\n");
            List<String> whole = new ArrayList<>();
            for (TableInfo table : catalog.relations()) {
                if (!table.schema().equals(schema)) {
                    continue;
                }
                String name = quote(schema) + "." + quote(table.name());
                if (!policy.tableAllowed(schema, table.name())) {
                    sql.append("-- ").append(table.name()).append(": denied by the policy, no grant\n");
                } else if (policy.hasDeniedColumns(table)) {
                    List<String> columns = new ArrayList<>();
                    List<String> denied = new ArrayList<>();
                    for (ColumnInfo column : table.columns()) {
                        (policy.columnAllowed(schema, table.name(), column.name()) ? columns : denied).add(column.name());
                    }
                    sql.append("-- ").append(table.name()).append(": columns ").append(String.join(", ", denied))
                            .append(" are denied\n");
                    if (!columns.isEmpty()) {
                        sql.append("GRANT SELECT (").append(String.join(", ", columns.stream().map(LeastPrivilegeGrants::quote).toList()))
                                .append(") ON ").append(name).append(" TO ").append(role).append(";\n");
                    }
                } else {
                    whole.add(name);
                }
            }
            if (!whole.isEmpty()) {
                sql.append("GRANT SELECT ON ").append(String.join(", ", whole)).append(" TO ").append(role).append(";\n");
            }
        }
        sql.append("\n-- Nothing else: no INSERT/UPDATE/DELETE/TRUNCATE, no CREATE, and do not add this role to\n")
                .append("-- pg_read_server_files, pg_write_server_files, pg_execute_server_program or pg_signal_backend.\n");
        return sql.toString();
    }

    static String quote(String identifier) {
        return Names.display(identifier);
    }
}
