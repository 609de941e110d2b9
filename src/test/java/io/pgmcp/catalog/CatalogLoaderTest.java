package io.pgmcp.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.db.ConnectionPool;
import io.pgmcp.db.Database;
import io.pgmcp.db.DatabaseException;
import io.pgmcp.db.PoolFixture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What {@link CatalogLoader} reads from {@code pg_catalog}, field by field. */
class CatalogLoaderTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql(
            """
                    CREATE TYPE status AS ENUM ('active', 'inactive');
                    CREATE TABLE customers (
                        id serial PRIMARY KEY,
                        email text NOT NULL UNIQUE,
                        name varchar(100),
                        state status NOT NULL DEFAULT 'active',
                        created_at timestamptz DEFAULT now(),
                        "MixedCase" int
                    );
                    COMMENT ON TABLE customers IS 'People who buy';
                    COMMENT ON COLUMN customers.email IS 'Login e-mail';
                    CREATE UNIQUE INDEX customers_lower_email ON customers (lower(email));
                    CREATE UNIQUE INDEX customers_mixed ON customers ("MixedCase");
                    CREATE TABLE orders (
                        id bigint PRIMARY KEY,
                        customer_id int NOT NULL REFERENCES customers (id),
                        total numeric(12, 2) NOT NULL DEFAULT 0,
                        tags text[],
                        placed_on date
                    );
                    CREATE INDEX orders_customer_placed ON orders (customer_id, placed_on);
                    CREATE INDEX orders_tags ON orders USING gin (tags);
                    CREATE UNIQUE INDEX orders_big_placed ON orders (placed_on) WHERE total > 1000;
                    CREATE TABLE line_items (
                        order_id bigint REFERENCES orders (id),
                        line int,
                        sku text,
                        PRIMARY KEY (order_id, line),
                        UNIQUE (order_id, sku)
                    );
                    CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
                    CREATE MATERIALIZED VIEW order_totals AS SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;
                    CREATE SCHEMA sales;
                    CREATE TABLE sales.regions (code char(2) PRIMARY KEY, name text);
                    COMMENT ON COLUMN sales.regions.code IS 'ISO 3166';
                    CREATE TABLE events (id int, at date NOT NULL) PARTITION BY RANGE (at);
                    CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
                    INSERT INTO customers (email) SELECT 'u' || g || '@example.com' FROM generate_series(1, 500) g;
                    ANALYZE;
                    """);

    private static final Instant NOW = Instant.parse("2024-02-29T12:00:00Z");
    private static Catalog catalog;

    private static Catalog load(Set<String> systemSchemas) throws DatabaseException {
        try (Database database = new Database("main", new ConnectionPool(PoolFixture.settings("catalog", 0, 1,
                Duration.ofSeconds(10)), PoolFixture.factory(db.get()), Ticker.system()),
                PoolFixture.defaults("main"))) {
            return new CatalogHolder(database, new CatalogLoader(Clock.fixed(NOW, ZoneOffset.UTC)), systemSchemas,
                    Clock.systemUTC())
                    .refresh(Duration.ofSeconds(10));
        }
    }

    @BeforeAll
    static void loadOnce() throws DatabaseException {
        catalog = load(Set.of());
    }

    private static TableInfo table(String schema, String name) {
        return catalog.table(schema, name).orElseThrow(() -> new AssertionError("no " + schema + "." + name));
    }

    private static ColumnInfo column(String table, String name) {
        return table("public", table).column(name).orElseThrow(() -> new AssertionError("no " + table + "." + name));
    }

    @Test
    void catalogListsUserSchemasAndRelationsInOrder() {
        assertEquals("main", catalog.database());
        assertEquals(NOW, catalog.loadedAt());
        assertEquals(List.of("public", "sales"), catalog.schemas());
        assertEquals(List.of("public.big_orders", "public.customers", "public.events", "public.events_2024",
                "public.line_items", "public.order_totals", "public.orders", "sales.regions"),
                catalog.relations().stream().map(TableInfo::qualifiedName).toList());
        assertEquals(8, catalog.size());
    }

    @Test
    void tableCarriesKindCommentAndRowEstimate() {
        TableInfo customers = table("public", "customers");
        assertEquals(RelationKind.TABLE, customers.kind());
        assertEquals(Optional.of("People who buy"), customers.comment());
        assertEquals(500.0, customers.rowEstimate());
        assertFalse(customers.isViewLike());
        assertEquals(List.of("id", "email", "name", "state", "created_at", "MixedCase"),
                customers.columns().stream().map(ColumnInfo::name).toList(), "columns in attnum order");
        assertEquals(Optional.empty(), table("public", "orders").comment());
        assertEquals(0.0, table("public", "orders").rowEstimate(), "analyzed and empty");
    }

    @Test
    void columnsCarryTypeNullabilityDefaultKeysEnumAndComment() {
        assertEquals(new ColumnInfo("id", "integer", "int4", false,
                Optional.of("nextval('public.customers_id_seq'::regclass)"), true, true, Optional.empty(), List.of(),
                Optional.empty()), column("customers", "id"));
        assertEquals(new ColumnInfo("email", "text", "text", false, Optional.empty(), false, true, Optional.empty(),
                List.of(), Optional.of("Login e-mail")), column("customers", "email"));
        assertEquals(new ColumnInfo("name", "character varying(100)", "varchar", true, Optional.empty(), false, false,
                Optional.empty(), List.of(), Optional.empty()), column("customers", "name"));
        assertEquals(new ColumnInfo("state", "public.status", "status", false, Optional.of("'active'::public.status"),
                false, false, Optional.empty(), List.of("active", "inactive"), Optional.empty()),
                column("customers", "state"));
        assertEquals(new ColumnInfo("created_at", "timestamp with time zone", "timestamptz", true, Optional.of("now()"),
                false, false, Optional.empty(), List.of(), Optional.empty()), column("customers", "created_at"));
        assertEquals(new ColumnInfo("customer_id", "integer", "int4", false, Optional.empty(), false, false,
                Optional.of("public.customers.id"), List.of(), Optional.empty()), column("orders", "customer_id"));
        assertEquals(new ColumnInfo("total", "numeric(12,2)", "numeric", false, Optional.of("0"), false, false,
                Optional.empty(), List.of(), Optional.empty()), column("orders", "total"));
        assertEquals(new ColumnInfo("tags", "text[]", "_text", true, Optional.empty(), false, false, Optional.empty(),
                List.of(), Optional.empty()), column("orders", "tags"));
        assertEquals(
                new ColumnInfo("code", "character(2)", "bpchar", false, Optional.empty(), true, true, Optional.empty(),
                        List.of(), Optional.of("ISO 3166")),
                table("sales", "regions").column("code").orElseThrow());
    }

    @Test
    void compositeKeysMarkNoColumnUnique() {
        ColumnInfo orderId = column("line_items", "order_id");
        assertTrue(orderId.primaryKey());
        assertFalse(orderId.unique(), "part of a two-column primary key");
        assertFalse(orderId.nullable(), "primary key columns are NOT NULL");
        assertEquals(Optional.of("public.orders.id"), orderId.foreignKey());
        assertTrue(column("line_items", "line").primaryKey());
        assertFalse(column("line_items", "sku").unique(), "part of a two-column unique constraint");
    }

    @Test
    void singleColumnUniqueIndexOnAQuotedNameMarksTheColumnUnique() {
        assertTrue(column("customers", "MixedCase").unique());
        assertEquals(List.of("MixedCase"), index("customers", "customers_mixed").columns());
    }

    @Test
    void partialUniqueIndexDoesNotMakeAColumnUnique() {
        assertFalse(column("orders", "placed_on").unique(), "unique only WHERE total > 1000");
        assertTrue(index("orders", "orders_big_placed").unique());
    }

    private static IndexInfo index(String table, String name) {
        return table("public", table).indexes().stream().filter(i -> i.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no index " + name));
    }

    @Test
    void indexesCarryColumnsMethodUniqueAndPrimary() {
        assertEquals(List.of(
                new IndexInfo("customers_email_key", List.of("email"), "btree", true, false),
                new IndexInfo("customers_lower_email", List.of("lower(email)"), "btree", true, false),
                new IndexInfo("customers_mixed", List.of("MixedCase"), "btree", true, false),
                new IndexInfo("customers_pkey", List.of("id"), "btree", true, true)),
                table("public", "customers").indexes());
        assertEquals(List.of(
                new IndexInfo("orders_big_placed", List.of("placed_on"), "btree", true, false),
                new IndexInfo("orders_customer_placed", List.of("customer_id", "placed_on"), "btree", false, false),
                new IndexInfo("orders_pkey", List.of("id"), "btree", true, true),
                new IndexInfo("orders_tags", List.of("tags"), "gin", false, false)),
                table("public", "orders").indexes());
    }

    @Test
    void viewsAndMaterializedViewsHaveColumnsAndTheirKind() {
        TableInfo view = table("public", "big_orders");
        assertEquals(RelationKind.VIEW, view.kind());
        assertTrue(view.isViewLike());
        assertEquals(List.of("id", "total"), view.columns().stream().map(ColumnInfo::name).toList());
        assertEquals(List.of(), view.indexes());
        TableInfo materialized = table("public", "order_totals");
        assertEquals(RelationKind.MATERIALIZED_VIEW, materialized.kind());
        assertTrue(materialized.isViewLike());
        assertEquals(List.of("customer_id", "total"), materialized.columns().stream().map(ColumnInfo::name).toList());
        assertEquals(0.0, materialized.rowEstimate());
    }

    @Test
    void partitionedTableAndItsPartitionAreListed() {
        TableInfo events = table("public", "events");
        assertEquals(RelationKind.PARTITIONED_TABLE, events.kind());
        assertFalse(events.isViewLike());
        assertEquals(List.of("id", "at"), events.columns().stream().map(ColumnInfo::name).toList());
        assertEquals(RelationKind.TABLE, table("public", "events_2024").kind());
    }

    @Test
    void enumTypesAreListedWithLabelsInOrder() {
        assertEquals(List.of(new EnumType("public", "status", List.of("active", "inactive"))), catalog.enums());
    }

    @Test
    void systemSchemasAreLoadedOnlyWhenRequested() throws DatabaseException {
        assertTrue(catalog.table("pg_catalog", "pg_class").isEmpty());
        assertTrue(catalog.relations().stream()
                .noneMatch(t -> t.schema().startsWith("pg_") || t.schema().equals("information_schema")));

        Catalog withCatalog = load(Set.of("pg_catalog"));
        assertEquals(List.of("pg_catalog", "public", "sales"), withCatalog.schemas());
        TableInfo pgClass = withCatalog.table("pg_catalog", "pg_class").orElseThrow();
        assertTrue(pgClass.column("relname").isPresent());
        assertTrue(withCatalog.table("pg_catalog", "pg_stat_activity").isPresent(), "system views too");
        assertTrue(withCatalog.table("information_schema", "tables").isEmpty(), "only the schema asked for");
        assertTrue(withCatalog.table("public", "customers").isPresent());
    }
}
