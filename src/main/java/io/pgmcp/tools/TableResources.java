package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.catalog.TableInfo;
import io.pgmcp.mcp.Completion;
import io.pgmcp.mcp.CompletionRequest;
import io.pgmcp.mcp.JsonRpcException;
import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.ResourceContents;
import io.pgmcp.mcp.ResourceDefinition;
import io.pgmcp.mcp.ResourceProvider;
import io.pgmcp.mcp.ResourceTemplateDefinition;
import io.pgmcp.query.Step;
import io.pgmcp.query.Target;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import io.pgmcp.db.DatabaseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The per-table resource template {@code schema://{database}/{table}} (the text of {@link
 * TableDescription}), and the completions of both schema templates' arguments: {@code database}
 * (configured names) and {@code table} (the visible tables of the database in the context, or of the
 * only one). A table that does not exist and a hidden one get the same {@code -32002}, with the
 * nearest visible names.
 */
public final class TableResources implements ResourceProvider {
    static final String TABLE_TEMPLATE = SchemaResources.SCHEMA_PREFIX + "{database}/{table}";
    static final String SCHEMA_TEMPLATE = SchemaResources.SCHEMA_PREFIX + "{database}";

    private final VisibleSchemas schemas;

    public TableResources(VisibleSchemas schemas) {
        this.schemas = schemas;
    }

    @Override
    public List<ResourceDefinition> resources() {
        return List.of();
    }

    @Override
    public List<ResourceTemplateDefinition> templates() {
        return List.of(new ResourceTemplateDefinition(TABLE_TEMPLATE, "table", "Table schema",
                "One table or view that the access policy allows: columns, types, keys, foreign keys both ways, "
                        + "indexes, row estimate. {table} may be schema-qualified.",
                "text/plain"));
    }

    @Override
    public Optional<ResourceContents> read(String uri, RequestContext context) throws JsonRpcException {
        if (!uri.startsWith(SchemaResources.SCHEMA_PREFIX)) {
            return Optional.empty();
        }
        String path = uri.substring(SchemaResources.SCHEMA_PREFIX.length());
        int slash = path.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        Step<Target> resolved = schemas.router().resolve(Optional.of(path.substring(0, slash)));
        Optional<String> written = decode(path.substring(slash + 1));
        if (!(resolved instanceof Step.Passed(var target)) || written.isEmpty() || written.get().isBlank()) {
            return Optional.empty();
        }
        VisibleSchemas.VisibleSchema schema = load(target);
        Optional<TableInfo> table = TableNames.find(schema.catalog(), written.get(),
                schema.target().policy().searchPath());
        if (table.isEmpty()) {
            List<String> nearest = TableNames.nearest(schema.index(), written.get());
            ObjectNode data = JsonNodeFactory.instance.objectNode().put("uri", uri);
            nearest.forEach(data.putArray("suggestions")::add);
            throw new JsonRpcException(JsonRpcException.RESOURCE_NOT_FOUND, "Resource not found: table or view '"
                    + Answers.clip(written.get(), 300) + "' does not exist in database '" + schema.database()
                    + "' or may not be read"
                    + (nearest.isEmpty() ? "" : "; nearest visible names: " + String.join(", ", nearest)), data);
        }
        return Optional.of(new ResourceContents(uri, "text/plain",
                TableDescription.of(schema, table.get()).text(VisibleSchemas.RESOURCE_LIMIT)));
    }

    @Override
    public Optional<Completion> complete(CompletionRequest request, RequestContext context) {
        boolean tableTemplate = request.uriTemplate().equals(TABLE_TEMPLATE);
        if (!tableTemplate && !request.uriTemplate().equals(SCHEMA_TEMPLATE)) {
            return Optional.empty();
        }
        return switch (request.argument()) {
            case "database" -> Optional.of(Completion.of(matching(schemas.router().names(), request.value())));
            case "table" -> tableTemplate ? Optional.of(tables(request)) : Optional.empty();
            default -> Optional.empty();
        };
    }

    private Completion tables(CompletionRequest request) {
        if (!(schemas.router()
                .resolve(Optional.ofNullable(request.context().get("database"))) instanceof Step.Passed(var target))) {
            return Completion.none();
        }
        try {
            VisibleSchemas.VisibleSchema schema = schemas.load(target);
            return Completion.of(matching(schema.catalog().relations().stream().map(TableInfo::qualifiedName).toList(),
                    request.value()));
        } catch (DatabaseException e) {
            return Completion.none();
        }
    }

    /**
     * The names that begin with {@code typed} (or whose part after the schema does), then those that
     * contain it; case ignored, each group in the given order.
     */
    static List<String> matching(List<String> names, String typed) {
        String lower = typed.toLowerCase(Locale.ROOT);
        List<String> starting = new ArrayList<>();
        List<String> containing = new ArrayList<>();
        for (String name : names) {
            String candidate = name.toLowerCase(Locale.ROOT);
            if (candidate.startsWith(lower) || candidate.substring(candidate.indexOf('.') + 1).startsWith(lower)) {
                starting.add(name);
            } else if (candidate.contains(lower)) {
                containing.add(name);
            }
        }
        starting.addAll(containing);
        return starting;
    }

    private VisibleSchemas.VisibleSchema load(Target target) throws JsonRpcException {
        try {
            return schemas.load(target);
        } catch (DatabaseException e) {
            throw new JsonRpcException(JsonRpcException.INTERNAL_ERROR, "Database '" + target.name()
                    + "' is unavailable (" + target.config().displayTarget() + "): its schema could not be loaded");
        }
    }

    /** Percent-decodes a URI segment; empty when it holds a malformed escape. */
    private static Optional<String> decode(String segment) {
        try {
            return Optional.of(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
