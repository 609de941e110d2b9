package io.pgmcp.tools;

import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.ToolDefinition;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A schema discovery tool ({@code list_tables}, {@code search_schema}, {@code describe_table}): it reads
 * its arguments, and when they are valid answers from the visible schema of the database they name
 * ({@code UNKNOWN_DATABASE}, {@code AMBIGUOUS_QUERY} or {@code CONNECTION_ERROR} when there is none).
 */
abstract class DiscoveryTool extends PgMcpTool {
    private final VisibleSchemas schemas;

    DiscoveryTool(ToolDefinition definition, VisibleSchemas schemas) {
        super(definition);
        this.schemas = schemas;
    }

    /**
     * A call's valid-looking arguments: the database asked for, and how to answer from its visible schema.
     */
    record Request(Optional<String> database, Function<VisibleSchemas.VisibleSchema, ToolOutcome> answer) {
        Request {
            Objects.requireNonNull(database, "database");
            Objects.requireNonNull(answer, "answer");
        }
    }

    /** Reads every argument, in the order the problems should be told; the answer runs only if none was wrong. */
    abstract Request read(Arguments args);

    @Override
    final ToolOutcome run(Arguments args, RequestContext context) {
        Request request = read(args);
        if (args.hasProblems()) {
            return args.invalid();
        }
        VisibleSchemas.Resolution resolution = schemas.resolve(request.database());
        if (resolution.failure() != null) {
            return ToolOutcome.of(resolution.failure(), false);
        }
        return request.answer().apply(resolution.schema());
    }
}
