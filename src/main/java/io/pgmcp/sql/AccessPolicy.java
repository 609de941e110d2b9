package io.pgmcp.sql;

import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.Identifiers;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.ColumnInfo;
import io.pgmcp.catalog.TableInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One database's {@code access_policy} in the form the guard and the schema views use: which
 * schemas, tables and columns may be seen at all. Names from the config match case-insensitively
 * (denying more, never less); a table entry is {@code table} (any allowed schema) or
 * {@code schema.table}; a column entry {@code table.column} or {@code schema.table.column}; a
 * pattern is a glob over {@code table.column}. Immutable and thread-safe.
 */
public final class AccessPolicy {
    private final Set<String> allowedSchemas;
    private final Set<String> allowedTables;
    private final Set<String> deniedTables;
    private final Set<String> deniedColumns;
    private final List<NamePattern> deniedPatterns;
    private final AccessPolicyConfig config;

    public AccessPolicy(AccessPolicyConfig config) {
        this.config = config;
        // allow lists match exactly, the way PostgreSQL folds the names as written (a schema "PUBLIC" is not
        // public); deny lists match ignoring case, so they deny more rather than less
        this.allowedSchemas = config.allowedSchemas().stream().map(Names::fold).collect(Collectors.toUnmodifiableSet());
        this.allowedTables = config.tables().allowed().stream().map(Identifiers::foldDotted)
                .collect(Collectors.toUnmodifiableSet());
        this.deniedTables = lower(config.tables().denied());
        this.deniedColumns = lower(config.columns().denied());
        this.deniedPatterns = config.columns().deniedPatterns().stream().map(NamePattern::of).toList();
    }

    public AccessPolicyConfig config() {
        return config;
    }

    private static Set<String> lower(List<String> names) {
        return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** {@code allowed_schemas} as matched: folded as PostgreSQL folds them. */
    Set<String> allowedSchemaNames() {
        return allowedSchemas;
    }

    /** {@code tables.allowed} as matched: each dotted part folded as PostgreSQL folds it (for the grants script). */
    Set<String> allowedTableNames() {
        return allowedTables;
    }

    /** {@code tables.denied} as matched: lower case, {@code table} or {@code schema.table}. */
    Set<String> deniedTableNames() {
        return deniedTables;
    }

    /** {@code columns.denied} as matched: lower case, {@code table.column} or {@code schema.table.column}. */
    Set<String> deniedColumnNames() {
        return deniedColumns;
    }

    /** {@code columns.denied_patterns}. */
    List<NamePattern> deniedColumnPatterns() {
        return deniedPatterns;
    }

    /** The schemas in the order of {@code allowed_schemas}: the pinned search_path. */
    public List<String> searchPath() {
        return config.allowedSchemas();
    }

    public boolean schemaAllowed(String schema) {
        return allowedSchemas.contains(schema);
    }

    /** True when {@code schema.table} may be read: its schema is allowed, the whitelist (if any) names it, the blacklist does not. */
    public boolean tableAllowed(String schema, String table) {
        if (!schemaAllowed(schema)) {
            return false;
        }
        String bare = table.toLowerCase(Locale.ROOT);
        String qualified = schema.toLowerCase(Locale.ROOT) + "." + bare;
        if (deniedTables.contains(bare) || deniedTables.contains(qualified)) {
            return false;
        }
        return allowedTables.isEmpty() || allowedTables.contains(table) || allowedTables.contains(schema + "." + table);
    }

    /** True when the column is neither denied by name nor matched by a denied pattern. */
    public boolean columnAllowed(String schema, String table, String column) {
        String tc = (table + "." + column).toLowerCase(Locale.ROOT);
        String stc = schema.toLowerCase(Locale.ROOT) + "." + tc;
        if (deniedColumns.contains(tc) || deniedColumns.contains(stc)) {
            return false;
        }
        for (NamePattern pattern : deniedPatterns) {
            if (pattern.matches(table + "." + column) || pattern.matches(schema + "." + table + "." + column)) {
                return false;
            }
        }
        return true;
    }

    /** True when the table has at least one column the policy hides. */
    public boolean hasDeniedColumns(TableInfo table) {
        return table.columns().stream().anyMatch(c -> !columnAllowed(table.schema(), table.name(), c.name()));
    }

    /**
     * The catalog as this policy lets it be seen: denied schemas, tables and columns removed. This
     * is what resources, prompts and error hints are built from, so nothing denied can leak there.
     */
    public Catalog visible(Catalog catalog) {
        Catalog[] last = lastVisible;
        if (last != null && last[0] == catalog) {
            return last[1];
        }
        Catalog filtered = filter(catalog);
        lastVisible = new Catalog[]{catalog, filtered};
        return filtered;
    }

    /** The catalog it was computed from, and the visible view of it (swapped as one). */
    private volatile Catalog[] lastVisible;

    private Catalog filter(Catalog catalog) {
        List<TableInfo> tables = new ArrayList<>();
        for (TableInfo table : catalog.relations()) {
            if (!tableAllowed(table.schema(), table.name())) {
                continue;
            }
            List<ColumnInfo> columns = table.columns().stream()
                    .filter(c -> columnAllowed(table.schema(), table.name(), c.name()))
                    .toList();
            List<io.pgmcp.catalog.IndexInfo> indexes = table.indexes().stream()
                    .filter(i -> i.columns().stream()
                            .allMatch(col -> columns.stream().anyMatch(c -> c.name().equals(unquote(col)))))
                    .toList();
            List<ColumnInfo> visibleColumns = columns.stream().map(c -> c.foreignKey().isPresent()
                    && !foreignKeyVisible(c.foreignKey().get()) ? withoutForeignKey(c) : c).toList();
            tables.add(new TableInfo(table.schema(), table.name(), table.kind(), table.comment(), table.rowEstimate(),
                    visibleColumns, indexes));
        }
        List<String> schemas = catalog.schemas().stream().filter(this::schemaAllowed).toList();
        List<io.pgmcp.catalog.EnumType> enums = catalog.enums().stream().filter(e -> schemaAllowed(e.schema()))
                .toList();
        return new Catalog(catalog.database(), catalog.loadedAt(), schemas, tables, enums,
                catalog.pgCatalogRelations());
    }

    private boolean foreignKeyVisible(String target) {
        String[] parts = target.split("\\.", 3);
        return parts.length == 3 && tableAllowed(parts[0], parts[1]) && columnAllowed(parts[0], parts[1], parts[2]);
    }

    private static ColumnInfo withoutForeignKey(ColumnInfo c) {
        return new ColumnInfo(c.name(), c.type(), c.typeName(), c.nullable(), c.defaultExpr(), c.primaryKey(),
                c.unique(),
                java.util.Optional.empty(), c.enumValues(), c.comment());
    }

    private static String unquote(String indexColumn) {
        if (indexColumn.length() >= 2 && indexColumn.startsWith("\"") && indexColumn.endsWith("\"")) {
            return indexColumn.substring(1, indexColumn.length() - 1).replace("\"\"", "\"");
        }
        return indexColumn;
    }
}
