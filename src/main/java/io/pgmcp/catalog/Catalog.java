package io.pgmcp.catalog;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of one database's schema: the relations of the loaded schemas with their
 * columns and indexes, and the enum types. Swapped atomically on refresh; safe to share.
 */
public final class Catalog {
    private final String database;
    private final Instant loadedAt;
    private final List<String> schemas;
    private final Map<String, Map<String, TableInfo>> tables;
    private final List<EnumType> enums;
    private final List<TableInfo> ordered;
    private final java.util.Set<String> pgCatalogRelations;

    /**
     * @param pgCatalogRelations the names of every relation in {@code pg_catalog}, which PostgreSQL
     *                           searches before the search path: an unqualified name that is one of
     *                           them never means a user table
     */
    public Catalog(String database, Instant loadedAt, List<String> schemas, Collection<TableInfo> relations,
            List<EnumType> enums, java.util.Set<String> pgCatalogRelations) {
        this.pgCatalogRelations = java.util.Set.copyOf(pgCatalogRelations);
        this.database = database;
        this.loadedAt = loadedAt;
        this.schemas = List.copyOf(schemas);
        Map<String, Map<String, TableInfo>> bySchema = new LinkedHashMap<>();
        for (TableInfo table : relations) {
            bySchema.computeIfAbsent(table.schema(), s -> new LinkedHashMap<>()).put(table.name(), table);
        }
        bySchema.replaceAll((s, m) -> Map.copyOf(m));
        this.tables = Map.copyOf(bySchema);
        this.enums = List.copyOf(enums);
        this.ordered = relations.stream()
                .sorted(java.util.Comparator.comparing(TableInfo::schema).thenComparing(TableInfo::name))
                .toList();
    }

    public String database() {
        return database;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    /** The schemas that were loaded, in name order. */
    public List<String> schemas() {
        return schemas;
    }

    /** Exact (case-sensitive) lookup. */
    public Optional<TableInfo> table(String schema, String name) {
        Map<String, TableInfo> inSchema = tables.get(schema);
        return inSchema == null ? Optional.empty() : Optional.ofNullable(inSchema.get(name));
    }

    /** Every relation, ordered by schema then name. */
    public List<TableInfo> relations() {
        return ordered;
    }

    public java.util.Set<String> pgCatalogRelations() {
        return pgCatalogRelations;
    }

    public List<EnumType> enums() {
        return enums;
    }

    public int size() {
        return ordered.size();
    }
}
