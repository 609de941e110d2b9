package io.pgmcp.tools;

import io.pgmcp.db.Availability;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.TableInfo;
import io.pgmcp.mcp.JsonRpcException;
import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.ResourceContents;
import io.pgmcp.mcp.ResourceDefinition;
import io.pgmcp.mcp.ResourceProvider;
import io.pgmcp.mcp.ResourceTemplateDefinition;
import io.pgmcp.query.DatabaseRouter;
import io.pgmcp.query.Step;
import io.pgmcp.query.Target;
import io.pgmcp.catalog.CatalogHolder;
import io.pgmcp.db.DatabaseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The two resources: {@code databases://list} and {@code schema://{database}}, both showing
 * only what each database's access policy lets be seen. A schema too large for one resource
 * is shown as an overview ({@link SchemaOverview}).
 */
public final class SchemaResources implements ResourceProvider {
    static final String LIST_URI = "databases://list";
    static final String SCHEMA_PREFIX = "schema://";

    private final DatabaseRouter router;
    private final VisibleSchemas schemas;

    public SchemaResources(DatabaseRouter router, Duration loadTimeout) {
        this(new VisibleSchemas(router, loadTimeout));
    }

    /** Shares the visible schemas (and their rendering) with the discovery tools. */
    public SchemaResources(VisibleSchemas schemas) {
        this.router = schemas.router();
        this.schemas = schemas;
    }

    @Override
    public List<ResourceDefinition> resources() {
        List<ResourceDefinition> list = new ArrayList<>();
        list.add(new ResourceDefinition(LIST_URI, "databases", "Databases",
                "The configured databases with their table and view counts", "text/plain"));
        for (String name : router.names()) {
            list.add(new ResourceDefinition(SCHEMA_PREFIX + name, "schema-" + name, "Schema of " + name,
                    "Tables, columns, types, keys and indexes of database '" + name + "' that the access policy allows "
                            + "(names only when the schema is large)",
                    "text/plain"));
        }
        return list;
    }

    @Override
    public List<ResourceTemplateDefinition> templates() {
        return List.of(new ResourceTemplateDefinition(SCHEMA_PREFIX + "{database}", "schema", "Database schema",
                "Tables, columns, types, keys and indexes of a database that the access policy allows "
                        + "(names only when the schema is large)",
                "text/plain"));
    }

    @Override
    public Optional<ResourceContents> read(String uri, RequestContext context) throws JsonRpcException {
        if (uri.equals(LIST_URI)) {
            return Optional.of(new ResourceContents(uri, "text/plain", databaseList()));
        }
        if (!uri.startsWith(SCHEMA_PREFIX)) {
            return Optional.empty();
        }
        String name = uri.substring(SCHEMA_PREFIX.length());
        if (!(router.resolve(Optional.of(name)) instanceof Step.Passed(var target))) {
            return Optional.empty();
        }
        return Optional.of(new ResourceContents(uri, "text/plain", SchemaOverview.text(visibleSchema(target))));
    }

    private VisibleSchemas.VisibleSchema visibleSchema(Target target) throws JsonRpcException {
        try {
            return schemas.load(target);
        } catch (DatabaseException e) {
            throw new JsonRpcException(JsonRpcException.INTERNAL_ERROR, "Database '" + target.name()
                    + "' is unavailable (" + target.config().displayTarget() + "): its schema could not be loaded");
        }
    }

    /**
     * One line per database: its table and view counts once its schema is loaded; "loading" while the
     * first load runs and no connection has failed; "unavailable" only after one did.
     */
    private String databaseList() {
        StringBuilder text = new StringBuilder("Available Databases:\n");
        for (Target target : router.all()) {
            text.append("- ").append(target.name());
            Optional<Catalog> catalog = target.catalog().current();
            if (target.database().health() instanceof Availability.Down down) {
                text.append(" (unavailable since ").append(down.since()).append(": ")
                        .append(brief(down.lastError().message()))
                        .append(")\n");
                continue;
            }
            if (catalog.isEmpty()) {
                // no connection has failed: the first schema load is still running (or about to run)
                Optional<CatalogHolder.Failure> failure = target.catalog().lastFailure();
                if (failure.isEmpty()) {
                    text.append(" (loading: its schema is being read; read this resource again in a few seconds)\n");
                } else {
                    text.append(" (unavailable: its schema could not be loaded: ")
                            .append(brief(failure.get().failure().message()))
                            .append("; retrying)\n");
                }
                continue;
            }
            List<TableInfo> relations = target.policy().visible(catalog.get()).relations();
            long views = relations.stream().filter(t -> t.kind().isView()).count();
            text.append(" (").append(relations.size() - views).append(" tables, ").append(views).append(" views)\n");
        }
        return text.toString();
    }

    private static String brief(String message) {
        String error = message.replaceAll("\\s+", " ");
        return error.length() > 200 ? error.substring(0, 200) + "..." : error;
    }
}
