package io.pgmcp.tools;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.catalog.RelationKind;
import io.pgmcp.catalog.TableInfo;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TablePatternTest {

    private static TableInfo table(String schema, String name) {
        return new TableInfo(schema, name, RelationKind.TABLE, Optional.empty(), 0, List.of(), List.of());
    }

    private static boolean matches(String pattern, TableInfo table) {
        return TablePattern.parse(pattern).pattern().matches(table);
    }

    @Test
    void starMatchesAnyRunAndQuestionMarkOneCharacter() {
        assertTrue(matches("invoice*", table("public", "invoice_payments")));
        assertTrue(matches("invoice*", table("public", "invoice")));
        assertTrue(matches("*pay*", table("public", "invoice_payments")));
        assertTrue(matches("t_00?", table("public", "t_007")));
        assertFalse(matches("t_00?", table("public", "t_0071")));
        assertFalse(matches("invoice", table("public", "invoices")), "no implicit wildcard");
    }

    @Test
    void caseIsIgnoredAndUnderscoreIsLiteral() {
        assertTrue(matches("INVOICE*", table("public", "invoice_payments")));
        assertTrue(matches("order*", table("public", "Order Items")));
        assertFalse(matches("invoice_p*", table("public", "invoiceXpayments")));
    }

    @Test
    void aDotMatchesTheSchemaQualifiedName() {
        assertTrue(matches("sales.*", table("sales", "orders")));
        assertFalse(matches("sales.*", table("public", "orders")));
        assertFalse(matches("orders", table("sales", "orders")) && matches("public.orders", table("sales", "orders")));
    }

    @Test
    void sqlLikePercentIsRefusedWithAHint() {
        TablePattern.Either parsed = TablePattern.parse("invoice%");
        assertNull(parsed.pattern());
        assertTrue(parsed.problem().contains("glob") && parsed.problem().contains("*"), parsed.problem());
    }
}
