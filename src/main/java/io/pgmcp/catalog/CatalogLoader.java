package io.pgmcp.catalog;

import io.pgmcp.db.DatabaseException;
import io.pgmcp.db.SqlSession;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a {@link Catalog} from {@code pg_catalog} with a few bulk queries (relations, columns,
 * constraints, indexes, enums, pg_catalog names) — independent of the number of tables, so 10,000 tables load in one
 * pass. Loads every user schema plus any system schema the caller names (e.g. {@code pg_catalog}
 * when a policy allows it). Stateless; the caller supplies the session and its transaction (in
 * which the loader turns JIT off with {@code SET LOCAL}).
 */
public final class CatalogLoader {
    private static final String SYSTEM_SCHEMA_FILTER = "(n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)' "
            + "OR n.nspname = ANY(?))";

    private static final String SCHEMAS = "SELECT n.nspname FROM pg_namespace n WHERE " + SYSTEM_SCHEMA_FILTER
            + " ORDER BY 1";

    // reltuples is -1 until a table is first vacuumed or analyzed, and it lags a load until the next
    // ANALYZE; the statistics' live tuples count a load at once (no lock taken, unlike pg_relation_size)
    private static final String RELATIONS = """
            SELECT c.oid, n.nspname, c.relname, c.relkind,
                   CASE WHEN c.relkind IN ('r', 'm') AND pg_stat_get_live_tuples(c.oid) > greatest(c.reltuples, 0)
                        THEN pg_stat_get_live_tuples(c.oid)::float8 ELSE c.reltuples END,
                   obj_description(c.oid, 'pg_class')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND\s""" + SYSTEM_SCHEMA_FILTER;

    private static final String COLUMNS = """
            SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), t.typname, a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid), col_description(a.attrelid, a.attnum), a.atttypid
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND\s"""
            + SYSTEM_SCHEMA_FILTER + " ORDER BY a.attrelid, a.attnum";

    private static final String CONSTRAINTS = """
            SELECT k.conrelid, k.contype, k.conkey, fn.nspname, fc.relname,
                   (SELECT fa.attname FROM pg_attribute fa WHERE fa.attrelid = k.confrelid AND fa.attnum = k.confkey[1])
            FROM pg_constraint k
            JOIN pg_class c ON c.oid = k.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_class fc ON fc.oid = k.confrelid
            LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
            WHERE k.contype IN ('p', 'u', 'f') AND\s""" + SYSTEM_SCHEMA_FILTER;

    private static final String INDEXES = """
            SELECT i.indrelid, ci.relname, am.amname, i.indisunique, i.indisprimary,
                   ARRAY(SELECT CASE WHEN i.indkey[k - 1] = 0 THEN pg_get_indexdef(i.indexrelid, k, true)
                                     ELSE (SELECT ka.attname::text FROM pg_attribute ka
                                           WHERE ka.attrelid = i.indrelid AND ka.attnum = i.indkey[k - 1]) END
                         FROM generate_series(1, i.indnkeyatts) k ORDER BY k),
                   CASE WHEN i.indisunique AND i.indpred IS NULL AND i.indnkeyatts = 1 THEN i.indkey[0] ELSE 0 END
            FROM pg_index i
            JOIN pg_class ci ON ci.oid = i.indexrelid
            JOIN pg_am am ON am.oid = ci.relam
            JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE\s""" + SYSTEM_SCHEMA_FILTER + " ORDER BY i.indrelid, ci.relname";

    private static final String ENUMS = """
            SELECT t.oid, n.nspname, t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
            FROM pg_type t
            JOIN pg_enum e ON e.enumtypid = t.oid
            JOIN pg_namespace n ON n.oid = t.typnamespace
            GROUP BY t.oid, n.nspname, t.typname
            ORDER BY 2, 3""";

    private static final String PG_CATALOG_RELATIONS = """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'pg_catalog' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')""";

    private static final int FETCH_SIZE = 5000;

    private final InstantSource clock;

    /** @param clock stamps each catalog with the time it was loaded */
    public CatalogLoader(InstantSource clock) {
        this.clock = clock;
    }

    /**
     * Loads the catalog.
     *
     * @param database      the configured database name, recorded in the catalog
     * @param systemSchemas system schemas to load as well ({@code pg_catalog}, {@code information_schema})
     */
    public Catalog load(SqlSession session, String database, Set<String> systemSchemas) throws DatabaseException {
        // The index query's estimate (1,000 rows per generate_series) passes jit_above_cost, and compiling
        // it took ~300 ms of a 335 ms load of 1,000 tables; these queries never run long enough to gain.
        session.execute("SET LOCAL jit = off");
        List<Object> extra = List.of(List.copyOf(systemSchemas));
        List<String> schemas = new ArrayList<>();
        session.query(SCHEMAS, extra, FETCH_SIZE, row -> schemas.add(row.text(1)));

        Map<Long, RelationBuilder> relations = new HashMap<>();
        session.query(RELATIONS, extra, FETCH_SIZE, row -> {
            RelationKind kind = RelationKind.fromRelkind(row.text(4));
            relations.put(row.int8(1), new RelationBuilder(row.text(2), row.text(3), kind,
                    row.float8(5), Optional.ofNullable(row.text(6))));
        });

        Map<Long, EnumType> enumsByOid = new HashMap<>();
        List<EnumType> enums = new ArrayList<>();
        session.query(ENUMS, List.of(), FETCH_SIZE, row -> {
            EnumType type = new EnumType(row.text(2), row.text(3), row.textArray(4));
            enumsByOid.put(row.int8(1), type);
            enums.add(type);
        });

        session.query(COLUMNS, extra, FETCH_SIZE, row -> {
            RelationBuilder relation = relations.get(row.int8(1));
            if (relation != null) {
                EnumType enumType = enumsByOid.get(row.int8(9));
                relation.columns.add(new ColumnDraft(row.int2(2), row.text(3), row.text(4), row.text(5),
                        !row.bool(6), Optional.ofNullable(row.text(7)), Optional.ofNullable(row.text(8)),
                        enumType == null ? List.of() : enumType.labels()));
            }
        });

        session.query(CONSTRAINTS, extra, FETCH_SIZE, row -> {
            RelationBuilder relation = relations.get(row.int8(1));
            if (relation == null) {
                return;
            }
            List<Short> keys = row.int2Array(3);
            switch (row.text(2)) {
                case "p" -> relation.primaryKey.addAll(keys);
                case "u" -> {
                    if (keys.size() == 1) {
                        relation.unique.add(keys.getFirst());
                    }
                }
                case "f" -> {
                    if (keys.size() == 1 && row.text(5) != null) {
                        relation.foreignKeys.put(keys.getFirst(), row.text(4) + "." + row.text(5) + "." + row.text(6));
                    }
                }
                default -> {}
            }
        });

        session.query(INDEXES, extra, FETCH_SIZE, row -> {
            RelationBuilder relation = relations.get(row.int8(1));
            if (relation != null) {
                relation.indexes
                        .add(new IndexInfo(row.text(2), row.textArray(6), row.text(3), row.bool(4), row.bool(5)));
                // a whole-table unique index on one plain column; a partial one is unique only within its WHERE
                short uniqueColumn = row.int2(7);
                if (uniqueColumn != 0) {
                    relation.unique.add(uniqueColumn);
                }
            }
        });

        Set<String> pgCatalog = new java.util.HashSet<>();
        session.query(PG_CATALOG_RELATIONS, List.of(), FETCH_SIZE, row -> pgCatalog.add(row.text(1)));

        List<TableInfo> tables = new ArrayList<>(relations.size());
        for (RelationBuilder relation : relations.values()) {
            tables.add(relation.build());
        }
        return new Catalog(database, clock.instant(), schemas, tables, enums, pgCatalog);
    }

    private record ColumnDraft(short number, String name, String type, String typeName, boolean nullable,
            Optional<String> defaultExpr, Optional<String> comment, List<String> enumValues) {}

    private static final class RelationBuilder {
        final String schema;
        final String name;
        final RelationKind kind;
        final double rowEstimate;
        final Optional<String> comment;
        final List<ColumnDraft> columns = new ArrayList<>();
        final Set<Short> primaryKey = new LinkedHashSet<>();
        final Set<Short> unique = new LinkedHashSet<>();
        final Map<Short, String> foreignKeys = new HashMap<>();
        final List<IndexInfo> indexes = new ArrayList<>();

        RelationBuilder(String schema, String name, RelationKind kind, double rowEstimate, Optional<String> comment) {
            this.schema = schema;
            this.name = name;
            this.kind = kind;
            this.rowEstimate = rowEstimate;
            this.comment = comment;
        }

        TableInfo build() {
            List<ColumnInfo> built = new ArrayList<>(columns.size());
            for (ColumnDraft c : columns) {
                boolean pk = primaryKey.contains(c.number());
                built.add(new ColumnInfo(c.name(), c.type(), c.typeName(), c.nullable(), c.defaultExpr(), pk,
                        pk && primaryKey.size() == 1 || unique.contains(c.number()),
                        Optional.ofNullable(foreignKeys.get(c.number())), c.enumValues(), c.comment()));
            }
            return new TableInfo(schema, name, kind, comment, rowEstimate, built, indexes);
        }
    }
}
