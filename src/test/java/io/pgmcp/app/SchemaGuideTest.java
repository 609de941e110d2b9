package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.tools.VisibleSchemas.SchemaSize;
import io.pgmcp.tools.VisibleSchemas.SchemaSize.State;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaGuideTest {

    @Test
    void aSmallSchemaIsReadWholeAndALargeOneSearchedFirstWithTheNumbers() {
        String text = SchemaGuide.text(List.of(new SchemaSize("shop", State.LOADED, 38, 1, true),
                new SchemaSize("wide", State.LOADED, 2002, 0, false)));
        assertTrue(
                text.contains(
                        "   - database shop: 38 tables, 1 view (small): read schema://shop whole, or describe_table\n"),
                text);
        assertTrue(
                text.contains(
                        "   - database wide: 2,002 tables (large) — use search_schema first, then describe_table\n"),
                text);
    }

    @Test
    void aSchemaNotLoadedYetIsNamedAndTheToolsAreAlwaysMentioned() {
        String text = SchemaGuide.text(List.of(new SchemaSize("late", State.LOADING, 0, 0, false),
                new SchemaSize("down", State.UNREACHABLE, 0, 0, false)));
        assertTrue(text.startsWith("1. Learn the schema before writing SQL") && text.contains("search_schema")
                && text.contains("describe_table") && text.contains("list_tables"), text);
        assertTrue(text.contains("database late: schema still loading; use search_schema first"), text);
        assertTrue(text.contains("database down: not reachable yet"), text);
    }
}
