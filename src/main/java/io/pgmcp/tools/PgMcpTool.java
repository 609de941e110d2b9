package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.Tool;
import io.pgmcp.mcp.ToolAnnotations;
import io.pgmcp.mcp.ToolDefinition;
import io.pgmcp.mcp.ToolResult;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A tool of pg-mcp: its definition, the strict reading of its arguments (the names its input schema
 * declares, {@link Arguments}), and what a call comes to as a typed {@link ToolOutcome}. The server
 * offers each one as a {@link RecordedTool}; {@link #call} answers without recording.
 */
public abstract class PgMcpTool implements Tool {
    /** Reads the database only, the same answer for the same state, nothing outside pg-mcp. */
    static final ToolAnnotations READ_ONLY = new ToolAnnotations(true, false, true, false);

    private final ToolDefinition definition;
    private final Set<String> argumentNames;

    PgMcpTool(ToolDefinition definition) {
        this.definition = Objects.requireNonNull(definition, "definition");
        Set<String> names = new LinkedHashSet<>();
        definition.inputSchema().path("properties").fieldNames().forEachRemaining(names::add);
        this.argumentNames = Set.copyOf(names);
    }

    @Override
    public final ToolDefinition definition() {
        return definition;
    }

    /** The call's outcome: reads {@code arguments} strictly, then {@link #run}s. */
    public final ToolOutcome outcome(ObjectNode arguments, RequestContext context) throws Exception {
        return run(new Arguments(arguments, argumentNames), context);
    }

    @Override
    public final ToolResult call(ObjectNode arguments, RequestContext context) throws Exception {
        return outcome(arguments, context).result();
    }

    /**
     * Runs the tool on its arguments; a tool reads them all, then answers {@link Arguments#invalid()} if
     * any was wrong.
     */
    abstract ToolOutcome run(Arguments arguments, RequestContext context) throws Exception;
}
