package io.pgmcp.app;

import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.ExplainPolicyConfig;
import io.pgmcp.config.PgMcpConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The {@code instructions} of the initialize result: how a model should use this server. */
final class Instructions {

    private Instructions() {}

    /** @param schemaGuide step 1: how to learn each database's schema ({@link SchemaGuide}) */
    static String text(PgMcpConfig config, List<String> databases, String schemaGuide) {
        StringBuilder text = new StringBuilder(1000);
        text.append("pg-mcp answers questions about PostgreSQL databases, read-only. Databases: ")
                .append(String.join(", ", databases)).append(".\n");
        text.append(schemaGuide);
        text.append(config.openai().configured()
                ? "2. Use query with a question in plain language; a language model writes the SQL and pg-mcp checks it.\n"
                : "2. The query tool (questions in plain language) is not offered: it needs an LLM. To enable it, set "
                        + "openai.api_key (environment: PG_MCP_OPENAI_API_KEY or OPENAI_API_KEY) or, for a local OpenAI-compatible "
                        + "server, openai.base_url (PG_MCP_OPENAI_BASE_URL), and restart pg-mcp.\n");
        if (config.server().enableExecuteSql()) {
            text.append("3. Use execute_sql with one read-only SELECT in PostgreSQL dialect. Name the columns you need "
                    + "(no SELECT *), filter on indexed columns, aggregate in SQL, and add LIMIT for large results.\n");
        }
        costLimits(config).ifPresent(limits -> text.append("4. Cost limits, checked on the plan before a query runs: ")
                .append(limits).append('\n'));
        text.append("5. When a call fails, error_code and error_message say what to change (a denied column, a too "
                + "expensive plan, a PostgreSQL error with its position); fix the SQL and try again.\n");
        if (databases.size() > 1) {
            text.append("Pass the 'database' argument: several databases are configured.\n");
        }
        text.append("Use refresh_schema after the database structure changed.");
        return text.toString();
    }

    /** The EXPLAIN limits in words: once when every database has the same, else per database; empty when none apply. */
    private static Optional<String> costLimits(PgMcpConfig config) {
        Map<String, List<String>> databasesByLimits = new LinkedHashMap<>();
        for (DatabaseConfig database : config.databases()) {
            costLimits(database.accessPolicy().explainPolicy())
                    .ifPresent(limits -> databasesByLimits.computeIfAbsent(limits, l -> new ArrayList<>())
                            .add(database.name()));
        }
        if (databasesByLimits.isEmpty()) {
            return Optional.empty();
        }
        if (databasesByLimits.size() == 1
                && databasesByLimits.values().iterator().next().size() == config.databases().size()) {
            return Optional.of(databasesByLimits.keySet().iterator().next() + ".");
        }
        List<String> parts = new ArrayList<>();
        databasesByLimits.forEach((limits, names) -> parts.add("on " + String.join(", ", names) + ": " + limits));
        return Optional.of(String.join("; ", parts) + ".");
    }

    private static Optional<String> costLimits(ExplainPolicyConfig explain) {
        if (!explain.enabled()) {
            return Optional.empty();
        }
        String rows = String.format(Locale.ROOT, "at most %,d estimated result rows", explain.maxEstimatedRows());
        if (!explain.denySeqScanOnLargeTables()) {
            return Optional.of(rows);
        }
        long threshold = explain.largeTableThreshold();
        return Optional.of(String.format(Locale.ROOT, "%s; a table of more than %,d estimated rows is large (marked in "
                + "schema://) and a query may read at most %,d of its rows, so filter it on a column the schema lists for it "
                + "or add a LIMIT (ORDER BY, if any, on such a column) - sorting, grouping or counting a whole large table "
                + "is refused", rows, threshold, threshold));
    }
}
