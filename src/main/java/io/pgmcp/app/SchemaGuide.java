package io.pgmcp.app;

import io.pgmcp.tools.VisibleSchemas.SchemaSize;
import java.util.List;
import java.util.Locale;

/**
 * The step of the instructions that says how to learn each database's schema: read a small one whole,
 * search a large one first — with the numbers, when its catalog has loaded by the time the client
 * initializes (catalogs load in the background, so a fresh server may not know them yet).
 */
final class SchemaGuide {

    private SchemaGuide() {}

    static String text(List<SchemaSize> sizes) {
        StringBuilder text = new StringBuilder(300 + 120 * Math.min(sizes.size(), 20));
        text.append(
                "1. Learn the schema before writing SQL; what you cannot find there is not accessible. search_schema "
                        + "finds the tables for some words, with their columns; describe_table shows one table in full (keys, "
                        + "indexes, row count); list_tables pages through the names. The resources schema://<database> and "
                        + "schema://<database>/<table> hold the same (databases://list lists the databases).\n");
        for (SchemaSize size : sizes) {
            text.append("   - database ").append(size.database()).append(": ").append(advice(size)).append('\n');
        }
        return text.toString();
    }

    private static String count(int n, String noun) {
        return String.format(Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
    }

    private static String advice(SchemaSize size) {
        return switch (size.state()) {
            case LOADING -> "schema still loading; use search_schema first (it waits for the schema)";
            case UNREACHABLE -> "not reachable yet; its tools answer CONNECTION_ERROR until it is back";
            case LOADED -> {
                String counts = count(size.tables(), "table")
                        + (size.views() == 0 ? "" : ", " + count(size.views(), "view"));
                yield size.complete()
                        ? counts + " (small): read schema://" + size.database() + " whole, or describe_table"
                        : counts + " (large) — use search_schema first, then describe_table";
            }
        };
    }
}
