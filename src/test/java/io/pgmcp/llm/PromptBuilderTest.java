package io.pgmcp.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.ColumnInfo;
import io.pgmcp.catalog.RelationKind;
import io.pgmcp.catalog.TableInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PromptBuilderTest {

    static ColumnInfo column(String name, String fk) {
        return new ColumnInfo(name, "integer", "int4", true, Optional.empty(), name.equals("id"), false,
                Optional.ofNullable(fk),
                List.of(), Optional.empty());
    }

    static Catalog large(int tables) {
        List<TableInfo> relations = new ArrayList<>();
        for (int i = 0; i < tables; i++) {
            relations.add(new TableInfo("public", "table_" + i, RelationKind.TABLE, Optional.of("generated table " + i),
                    100,
                    List.of(column("id", null), column("value_" + i, null), column("created_on", null)), List.of()));
        }
        relations.add(new TableInfo("public", "invoices", RelationKind.TABLE, Optional.of("Bills sent to customers"),
                5000,
                List.of(column("id", null), column("customer_id", "public.customers.id"), column("amount", null)),
                List.of()));
        relations.add(new TableInfo("public", "customers", RelationKind.TABLE, Optional.empty(), 500,
                List.of(column("id", null), column("region", null)), List.of()));
        relations.add(new TableInfo("public", "payments", RelationKind.TABLE, Optional.empty(), 500,
                List.of(column("id", null), column("invoice_id", "public.invoices.id")), List.of()));
        return new Catalog("big", Instant.EPOCH, List.of("public"), relations, List.of(), Set.of());
    }

    @Test
    void aSmallSchemaIsSentWhole() {
        Catalog small = large(3);
        String schema = new PromptBuilder(PromptBuilder.DEFAULT_SCHEMA_BUDGET).schema(small, "anything");
        assertEquals(SchemaText.render(small), schema);
        assertFalse(schema.contains("Partial schema"));
    }

    @Test
    void aHugeSchemaIsCutToTheRelevantTablesWithinBudget() {
        Catalog catalog = large(10_000);
        PromptBuilder builder = new PromptBuilder(PromptBuilder.DEFAULT_SCHEMA_BUDGET);
        String schema = builder.schema(catalog, "What is the total invoice amount per region?");
        assertTrue(schema.length() <= PromptBuilder.DEFAULT_SCHEMA_BUDGET, "length " + schema.length());
        assertTrue(schema.contains("Partial schema"), "says it is partial");
        assertTrue(schema.contains("### public.invoices"), "the table named in the question");
        assertTrue(schema.contains("### public.customers"), "its foreign-key target (holds region)");
        assertTrue(schema.contains("### public.payments"), "a table referencing it");
        assertTrue(schema.indexOf("### public.invoices") < schema.indexOf("### public.table_0"),
                "relevant tables come first");
    }
}
