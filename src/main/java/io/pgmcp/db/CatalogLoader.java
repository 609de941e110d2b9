package io.pgmcp.db;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
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
 * when a policy allows it). Stateless; the caller supplies the connection and its transaction (in
 * which the loader turns JIT off with {@code SET LOCAL}).
 */
public final class CatalogLoader {
    private static final String SYSTEM_SCHEMA_FILTER =
            "(n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)' "
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

    private final Clock clock;

    public CatalogLoader(Clock clock) {
        this.clock = clock;
    }

    /**
     * Loads the catalog.
     *
     * @param database      the configured database name, recorded in the catalog
     * @param systemSchemas system schemas to load as well ({@code pg_catalog}, {@code information_schema})
     */
    public Catalog load(Connection connection, String database, Set<String> systemSchemas) throws SQLException {
        // The index query's estimate (1,000 rows per generate_series) passes jit_above_cost, and compiling
        // it took ~300 ms of a 335 ms load of 1,000 tables; these queries never run long enough to gain.
        try (Statement st = connection.createStatement()) {
            st.execute("SET LOCAL jit = off");
        }
        Array extra = connection.createArrayOf("text", systemSchemas.toArray());
        List<String> schemas = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement(SCHEMAS)) {
            st.setArray(1, extra);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    schemas.add(rs.getString(1));
                }
            }
        }

        Map<Long, RelationBuilder> relations = new HashMap<>();
        query(connection, RELATIONS, extra, rs -> {
            RelationKind kind = RelationKind.fromRelkind(rs.getString(4));
            relations.put(rs.getLong(1), new RelationBuilder(rs.getString(2), rs.getString(3), kind,
                    rs.getDouble(5), Optional.ofNullable(rs.getString(6))));
        });

        Map<Long, EnumType> enumsByOid = new HashMap<>();
        List<EnumType> enums = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement(ENUMS); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                EnumType type = new EnumType(rs.getString(2), rs.getString(3), Arrays.asList((String[]) rs.getArray(4).getArray()));
                enumsByOid.put(rs.getLong(1), type);
                enums.add(type);
            }
        }

        query(connection, COLUMNS, extra, rs -> {
            RelationBuilder relation = relations.get(rs.getLong(1));
            if (relation != null) {
                EnumType enumType = enumsByOid.get(rs.getLong(9));
                relation.columns.add(new ColumnDraft(rs.getShort(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        !rs.getBoolean(6), Optional.ofNullable(rs.getString(7)), Optional.ofNullable(rs.getString(8)),
                        enumType == null ? List.of() : enumType.labels()));
            }
        });

        query(connection, CONSTRAINTS, extra, rs -> {
            RelationBuilder relation = relations.get(rs.getLong(1));
            if (relation == null) {
                return;
            }
            Short[] keys = shorts(rs.getArray(3));
            switch (rs.getString(2)) {
                case "p" -> relation.primaryKey.addAll(Arrays.asList(keys));
                case "u" -> {
                    if (keys.length == 1) {
                        relation.unique.add(keys[0]);
                    }
                }
                case "f" -> {
                    if (keys.length == 1 && rs.getString(5) != null) {
                        relation.foreignKeys.put(keys[0], rs.getString(4) + "." + rs.getString(5) + "." + rs.getString(6));
                    }
                }
                default -> { }
            }
        });

        query(connection, INDEXES, extra, rs -> {
            RelationBuilder relation = relations.get(rs.getLong(1));
            if (relation != null) {
                List<String> columns = Arrays.asList((String[]) rs.getArray(6).getArray());
                relation.indexes.add(new IndexInfo(rs.getString(2), columns, rs.getString(3), rs.getBoolean(4), rs.getBoolean(5)));
                // a whole-table unique index on one plain column; a partial one is unique only within its WHERE
                short uniqueColumn = rs.getShort(7);
                if (uniqueColumn != 0) {
                    relation.unique.add(uniqueColumn);
                }
            }
        });

        java.util.Set<String> pgCatalog = new java.util.HashSet<>();
        try (PreparedStatement st = connection.prepareStatement(PG_CATALOG_RELATIONS); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                pgCatalog.add(rs.getString(1));
            }
        }

        List<TableInfo> tables = new ArrayList<>(relations.size());
        for (RelationBuilder relation : relations.values()) {
            tables.add(relation.build());
        }
        return new Catalog(database, clock.instant(), schemas, tables, enums, pgCatalog);
    }

    private static Short[] shorts(Array array) throws SQLException {
        Object value = array.getArray();
        if (value instanceof Short[] boxed) {
            return boxed;
        }
        Number[] numbers = (Number[]) value;
        Short[] result = new Short[numbers.length];
        for (int i = 0; i < numbers.length; i++) {
            result[i] = numbers[i].shortValue();
        }
        return result;
    }

    private interface RowConsumer {
        void accept(ResultSet rs) throws SQLException;
    }

    private static void query(Connection connection, String sql, Array extra, RowConsumer consumer) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            st.setFetchSize(5000);
            st.setArray(1, extra);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    consumer.accept(rs);
                }
            }
        }
    }

    private record ColumnDraft(short number, String name, String type, String typeName, boolean nullable,
                               Optional<String> defaultExpr, Optional<String> comment, List<String> enumValues) {
    }

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
