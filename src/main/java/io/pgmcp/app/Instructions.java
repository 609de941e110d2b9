package io.pgmcp.app;

import io.pgmcp.config.PgMcpConfig;
import java.util.List;

/** The {@code instructions} of the initialize result: how a model should use this server. */
final class Instructions {

    private Instructions() {
    }

    /** @param schemaGuide step 1: how to learn each database's schema ({@link SchemaGuide}) */
    static String text(PgMcpConfig config, List<String> databases, String schemaGuide) {
        StringBuilder text = new StringBuilder(600);
        text.append("pg-mcp answers questions about PostgreSQL databases, read-only. Databases: ")
                .append(String.join(", ", databases)).append(".\n");
        text.append(schemaGuide);
        text.append(config.openai().configured()
                ? "2. Use query with a question in plain language; a language model writes the SQL and pg-mcp checks it.\n"
                : "2. The query tool needs an LLM (openai.api_key or openai.base_url) and is not configured here.\n");
        if (config.server().enableExecuteSql()) {
            text.append("3. Use execute_sql with one read-only SELECT in PostgreSQL dialect. Name the columns you need "
                    + "(no SELECT *), filter on indexed columns, aggregate in SQL, and add LIMIT for large results.\n");
        }
        text.append("4. When a call fails, error_code and error_message say what to change (a denied column, a too "
                + "expensive plan, a PostgreSQL error with its position); fix the SQL and try again.\n");
        if (databases.size() > 1) {
            text.append("Pass the 'database' argument: several databases are configured.\n");
        }
        text.append("Use refresh_schema after the database structure changed.");
        return text.toString();
    }
}
