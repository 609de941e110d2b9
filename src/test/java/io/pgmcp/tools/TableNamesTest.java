package io.pgmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.CatalogIndex;
import io.pgmcp.catalog.ColumnInfo;
import io.pgmcp.catalog.RelationKind;
import io.pgmcp.catalog.TableInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableNamesTest {

    private static TableInfo table(String schema, String name, String comment) {
        return new TableInfo(schema, name, RelationKind.TABLE, Optional.ofNullable(comment), 0,
                List.of(new ColumnInfo("id",
                        "integer", "int4", false, Optional.empty(), true, true, Optional.empty(), List.of(),
                        Optional.empty())),
                List.of());
    }

    /** What a policy lets be seen: no table is hidden here, the tests ask for names that are not in it. */
    static final Catalog VISIBLE = new Catalog("shop", Instant.EPOCH, List.of("public", "sales"), List.of(
            table("public", "orders", null), table("sales", "orders", null), table("public", "Order Items", null),
            table("public", "customers", null), table("public", "invoice_payments", "money received"),
            table("sales", "Quarterly", null), table("sales", "QUARTERLY", null)), List.of(), Set.of());

    private static Optional<String> find(String written) {
        return TableNames.find(VISIBLE, written, List.of("public")).map(TableInfo::qualifiedName);
    }

    @Test
    void parsesQuotedAndQualifiedNames() {
        assertEquals(Optional.of(new TableNames.Written(Optional.empty(), new TableNames.Part("orders", false))),
                TableNames.parse("orders"));
        assertEquals(Optional.of(new TableNames.Written(Optional.of(new TableNames.Part("sales", false)),
                new TableNames.Part("Order \"X\"", true))), TableNames.parse("sales.\"Order \"\"X\"\"\""));
        assertEquals(Optional.of(new TableNames.Written(Optional.empty(), new TableNames.Part("a.b", true))),
                TableNames.parse("\"a.b\""));
        for (String bad : List.of("a.b.c", ".a", "a.", "\"open", "\"a\"b", "")) {
            assertEquals(Optional.empty(), TableNames.parse(bad), bad);
        }
    }

    @Test
    void findsBySearchPathThenOtherSchemas() {
        assertEquals(Optional.of("public.orders"), find("orders"));
        assertEquals(Optional.of("sales.orders"), find("sales.orders"));
        assertEquals(Optional.of("sales.orders"), find("SALES.ORDERS"), "unquoted names fold to lower case");
        assertEquals(Optional.of("public.customers"), find(" Customers "));
    }

    @Test
    void quotedNamesMatchExactlyAndCaseIsIgnoredOnlyWhenUnambiguous() {
        assertEquals(Optional.of("public.Order Items"), find("\"Order Items\""));
        assertEquals(Optional.of("public.Order Items"), find("order items"));
        assertEquals(Optional.empty(), find("\"order items\""));
        assertEquals(Optional.of("sales.QUARTERLY"), find("sales.\"QUARTERLY\""));
        assertEquals(Optional.empty(), find("sales.quarterly"), "two tables differ only in case");
        assertEquals(Optional.empty(), find("nosuch.orders"));
    }

    @Test
    void nearestNamesAreCloseSpellingsThenSharedWords() {
        CatalogIndex index = CatalogIndex.of(VISIBLE);
        assertEquals(List.of("public.orders", "sales.orders"), TableNames.nearest(index, "ordrs"));
        assertEquals("public.invoice_payments", TableNames.nearest(index, "payments_archive").getFirst(),
                "shares a word");
        assertTrue(TableNames.nearest(index, "zzzzzzzzzz").isEmpty());
        assertTrue(TableNames.nearest(index, "x".repeat(300)).size() <= TableNames.NEAREST);
    }

    @Test
    void nearestNamesDependOnlyOnTheWrittenNameAndWhatIsVisible() {
        CatalogIndex index = CatalogIndex.of(VISIBLE);
        // a hidden "vault.orders" and a missing "nosuch.orders" are the same question to answer
        assertEquals(TableNames.nearest(index, "vault.orders"), TableNames.nearest(index, "nosuch.orders"));
    }

    @Test
    void editDistanceStopsEarlyPastTheLimit() {
        assertEquals(1, TableNames.distance("ordrs", "orders", 2));
        assertEquals(0, TableNames.distance("a", "a", 0));
        assertEquals(3, TableNames.distance("abcdef", "uvwxyz", 2));
        assertEquals(3, TableNames.distance("a", "abcd", 2));
    }
}
