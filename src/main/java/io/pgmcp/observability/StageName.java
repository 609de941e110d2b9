package io.pgmcp.observability;

/**
 * The instrumented stages of a tool call: each is one span, named {@link #spanName()}, and
 * {@link Telemetry} knows which metric each one feeds.
 */
public enum StageName {
    /** The whole tool call: the root span; request metrics are recorded by the tool wrapper. */
    TOOL_CALL("tools/call"),
    /** Waiting for the LLM token budget. */
    RATE_LIMIT("rate_limit"),
    /** One SQL generation by the LLM, retries included: {@code pg_mcp_sql_generation_*}. */
    SQL_GENERATION("generate_sql"),
    /** One HTTP request to the LLM: {@code pg_mcp_openai_*}. */
    LLM_REQUEST("llm.request"),
    /** The SQL guard: {@code pg_mcp_guard_duration_seconds}. */
    GUARD("guard"),
    /** The EXPLAIN policy. */
    EXPLAIN("explain"),
    /** Read-only execution: {@code pg_mcp_db_query_duration_seconds} and the slow-query log. */
    EXECUTE("execute");

    private final String spanName;

    StageName(String spanName) {
        this.spanName = spanName;
    }

    public String spanName() {
        return spanName;
    }
}
