package io.pgmcp.app;

import io.pgmcp.config.PgMcpConfig;
import java.util.List;

/** The {@code instructions} of the initialize result: how a model should use this server. */
final class Instructions {

    private Instructions() {
    }

    static String text(PgMcpConfig config, List<String> databases) {
        StringBuilder text = new StringBuilder(600);
        text.append("pg-mcp answers questions about PostgreSQL databases, read-only. Databases: ")
                .append(String.join(", ", databases)).append(".\n");
        text.append("1. Read the resource schema://<database> first: it lists the tables, columns, keys and indexes "
                + "you may use (databases://list lists the databases). Anything not listed is not accessible.\n");
        text.append(config.openai().configured()
                ? "2. Use query with a question in plain language; a language model writes the SQL and pg-mcp checks it.\n"
                : "2. The query tool (questions in plain language) is not offered: it needs an LLM. To enable it, set "
                + "openai.api_key (environment: PG_MCP_OPENAI_API_KEY or OPENAI_API_KEY) or, for a local OpenAI-compatible "
                + "server, openai.base_url (PG_MCP_OPENAI_BASE_URL), and restart pg-mcp.\n");
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
