package io.pgmcp.tools;

import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.CatalogIndex;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.db.SqlFailure;
import io.pgmcp.catalog.TableInfo;
import io.pgmcp.llm.SchemaText;
import io.pgmcp.query.DatabaseRouter;
import io.pgmcp.query.ErrorCode;
import io.pgmcp.query.FailureDetails;
import io.pgmcp.query.QueryOutcome;
import io.pgmcp.query.Step;
import io.pgmcp.query.Target;
import java.nio.charset.StandardCharsets;
import io.pgmcp.db.DatabaseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each configured database's schema as its access policy lets it be seen, indexed for search: what
 * the discovery tools, the schema resources, their completions and the instructions are built from,
 * so they all show the same names. A catalog not loaded yet is loaded on first use, bounded by the
 * load timeout. Thread-safe; a view is built once per loaded catalog.
 */
public final class VisibleSchemas {
    /** The most a {@code schema://} resource holds, in UTF-8 bytes; a larger schema gets an overview. */
    public static final int RESOURCE_LIMIT = 64 * 1024;

    private final DatabaseRouter router;
    private final Duration loadTimeout;
    private final Map<String, VisibleSchema> views = new ConcurrentHashMap<>();

    public VisibleSchemas(DatabaseRouter router, Duration loadTimeout) {
        this.router = router;
        this.loadTimeout = loadTimeout;
    }

    public DatabaseRouter router() {
        return router;
    }

    /** How long loading a catalog not yet loaded may take. */
    public Duration loadTimeout() {
        return loadTimeout;
    }

    /** Either a database's visible schema or the failure a tool answers with. */
    public record Resolution(VisibleSchema schema, QueryOutcome.Failure failure) {
        public Resolution {
            if ((schema == null) == (failure == null)) {
                throw new IllegalArgumentException("exactly one of schema and failure");
            }
        }
    }

    /**
     * The visible schema of the named database (or the only one), loading it if needed.
     *
     * @return the schema, or {@code UNKNOWN_DATABASE} / {@code AMBIGUOUS_QUERY} / {@code CONNECTION_ERROR}
     */
    public Resolution resolve(Optional<String> database) {
        Target target;
        switch (router.resolve(database)) {
            case Step.Failed(var failure) -> {
                return new Resolution(null, failure);
            }
            case Step.Passed(var resolved) -> target = resolved;
        }
        try {
            return new Resolution(load(target), null);
        } catch (DatabaseException e) {
            return new Resolution(null,
                    new QueryOutcome.Failure(ErrorCode.CONNECTION_ERROR, "Database '" + target.name()
                            + "' is unavailable (" + target.config().displayTarget()
                            + "): its schema could not be loaded: "
                            + SqlFailure.of(e, false).message(), new FailureDetails.CatalogUnavailable(target.name())));
        }
    }

    /**
     * The visible schema of {@code target}, loading its catalog first if it never loaded.
     *
     * @throws DatabaseException if the catalog must be loaded and cannot be
     */
    public VisibleSchema load(Target target) throws DatabaseException {
        Optional<VisibleSchema> loaded = loaded(target);
        if (loaded.isPresent()) {
            return loaded.get();
        }
        target.catalog().loaded(loadTimeout);
        return loaded(target).orElseThrow(() -> new IllegalStateException("catalog of " + target.name() + " vanished"));
    }

    /** The visible schema of {@code target} if its catalog is loaded; never waits for the database. */
    public Optional<VisibleSchema> loaded(Target target) {
        Optional<Catalog> raw = target.catalog().current();
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        VisibleSchema cached = views.get(target.name());
        if (cached != null && cached.raw == raw.get()) {
            return Optional.of(cached);
        }
        VisibleSchema built = new VisibleSchema(target, raw.get(), target.policy().visible(raw.get()));
        views.put(target.name(), built);
        return Optional.of(built);
    }

    /** What is known now about each database's schema, for the instructions; never waits for a database. */
    public List<SchemaSize> sizes() {
        List<SchemaSize> sizes = new ArrayList<>();
        for (Target target : router.all()) {
            Optional<VisibleSchema> schema = loaded(target);
            if (schema.isEmpty()) {
                sizes.add(new SchemaSize(target.name(), target.catalog().lastFailure().isPresent()
                        ? SchemaSize.State.UNREACHABLE
                        : SchemaSize.State.LOADING, 0, 0, false));
                continue;
            }
            Catalog catalog = schema.get().catalog();
            long views = catalog.relations().stream().filter(TableInfo::isViewLike).count();
            sizes.add(
                    new SchemaSize(target.name(), SchemaSize.State.LOADED, (int) (catalog.size() - views), (int) views,
                            schema.get().completeText().isPresent()));
        }
        return sizes;
    }

    /**
     * One database's schema as far as known.
     *
     * @param complete the whole schema text fits a {@code schema://} resource ({@link #RESOURCE_LIMIT})
     */
    public record SchemaSize(String database, State state, int tables, int views, boolean complete) {
        /** Whether the catalog has loaded. */
        public enum State {
            LOADED, LOADING, UNREACHABLE
        }
    }

    /**
     * One database's catalog as its policy lets it be seen, with its word index. The whole schema text
     * is rendered once, on first need, and kept only when it fits a resource.
     */
    public static final class VisibleSchema {
        private final Target target;
        private final Catalog raw;
        private final Catalog catalog;
        private final CatalogIndex index;
        private volatile Optional<String> completeText;
        private volatile int fullTextLength = -1;

        VisibleSchema(Target target, Catalog raw, Catalog visible) {
            this.target = target;
            this.raw = raw;
            this.catalog = visible;
            this.index = CatalogIndex.of(visible);
        }

        public Target target() {
            return target;
        }

        public String database() {
            return target.name();
        }

        /** The policy-filtered catalog. */
        public Catalog catalog() {
            return catalog;
        }

        public CatalogIndex index() {
            return index;
        }

        /** The whole schema text when it fits {@link #RESOURCE_LIMIT}; empty when it does not. */
        public Optional<String> completeText() {
            Optional<String> text = completeText;
            if (text == null) {
                String full = SchemaText.render(catalog,
                        target.config().accessPolicy().explainPolicy().largeTableLimit());
                int bytes = full.getBytes(StandardCharsets.UTF_8).length;
                fullTextLength = full.length();
                text = bytes <= RESOURCE_LIMIT ? Optional.of(full) : Optional.empty();
                completeText = text;
            }
            return text;
        }

        /** The length in characters of the whole schema text. */
        public int fullTextLength() {
            completeText();
            return fullTextLength;
        }

        /** Whether the cost policy refuses sequential scans of {@code table} (row estimate over the threshold). */
        public boolean isLarge(TableInfo table) {
            OptionalLong limit = target.config().accessPolicy().explainPolicy().largeTableLimit();
            return limit.isPresent() && table.rowEstimate() > limit.getAsLong();
        }
    }
}
