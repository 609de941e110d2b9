package io.pgmcp.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CatalogIndexTest {

    static ColumnInfo column(String name, String fk, String comment) {
        return new ColumnInfo(name, "integer", "int4", true, Optional.empty(), name.equals("id"), false,
                Optional.ofNullable(fk),
                List.of(), Optional.ofNullable(comment));
    }

    static TableInfo table(String name, String comment, ColumnInfo... columns) {
        return new TableInfo("public", name, RelationKind.TABLE, Optional.ofNullable(comment), 10, List.of(columns),
                List.of());
    }

    static final Catalog CATALOG = new Catalog("shop", Instant.EPOCH, List.of("public"), List.of(
            table("invoices", "Bills sent to customers", column("id", null, null),
                    column("customer_id", "public.customers.id", null)),
            table("invoice_payments", null, column("id", null, null), column("invoice_id", "public.invoices.id", null)),
            table("customers", null, column("id", null, null), column("region", null, "sales region")),
            table("ledger", "Card settlements from the acquirer", column("id", null, null)),
            table("refunds", null, column("id", null, null), column("payment_id", "public.invoice_payments.id", null))),
            List.of(), Set.of());

    @Test
    void wordsMatchPluralsAndSnakeCase() {
        assertTrue(CatalogIndex.words("order_items").containsAll(Set.of("order", "items", "item")));
        assertTrue(CatalogIndex.words("Which categories?").contains("category"));
        assertEquals(Set.of(), CatalogIndex.words("a ! ?"));
    }

    @Test
    void tableNamesWeighMoreThanColumnsAndComments() {
        CatalogIndex index = CatalogIndex.of(CATALOG);
        List<String> ranked = index.rank("invoice payments", 10, false).matches().stream()
                .map(m -> m.table().name()).toList();
        assertEquals("invoice_payments", ranked.getFirst(), ranked.toString());
        assertTrue(ranked.containsAll(List.of("invoices", "refunds")), "matched by name or column: " + ranked);
        assertEquals(List.of("ledger"), index.rank("acquirer settlements", 10, false).matches().stream()
                .map(m -> m.table().name()).toList(), "a comment's words count");
    }

    @Test
    void rankKeepsTheBestAndCountsAll() {
        CatalogIndex.Ranking ranking = CatalogIndex.of(CATALOG).rank("id", 2, false);
        assertEquals(2, ranking.matches().size());
        assertEquals(5, ranking.total());
    }

    @Test
    void prefixesMatchOnlyWhenAWordMatchesNothing() {
        CatalogIndex index = CatalogIndex.of(CATALOG);
        assertEquals(0, index.rank("settle", 10, false).total());
        assertEquals("ledger", index.rank("settle", 10, true).matches().getFirst().table().name());
        assertEquals(0, index.rank("se", 10, true).total(), "too short to be a prefix");
    }

    @Test
    void foreignKeysAreKnownFromBothEnds() {
        CatalogIndex index = CatalogIndex.of(CATALOG);
        TableInfo invoices = index.table("public.invoices").orElseThrow();
        List<CatalogIndex.Reference> referencing = index.referencedBy(invoices);
        assertEquals(1, referencing.size());
        assertEquals("invoice_payments", referencing.getFirst().from().name());
        assertEquals("invoice_id", referencing.getFirst().column());
        assertEquals("id", referencing.getFirst().toColumn());
        assertEquals(List.of("invoices", "customers", "invoice_payments"),
                index.withNeighbours(List.of(invoices)).stream().map(TableInfo::name).toList());
    }
}
