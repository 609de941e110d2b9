import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.ColumnInfo;
import io.pgmcp.catalog.RelationKind;
import io.pgmcp.catalog.TableInfo;
import io.pgmcp.llm.PromptBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Prompt building on a 10,000-table catalog (in memory, 6 columns and a comment per table, a foreign
 * key every 5th): time of PromptBuilder.userMessage for a question that names a few tables, warm.
 * Usage: {@code java -cp "target/pg-mcp/app/*" scripts/PromptBench.java [TABLES] [CALLS]}.
 */
public final class PromptBench {
    public static void main(String[] args) {
        int tables = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        List<TableInfo> relations = new ArrayList<>(tables);
        String[] words = {"order", "customer", "invoice", "shipment", "product", "warehouse", "payment", "refund", "region", "supplier"};
        for (int i = 0; i < tables; i++) {
            String name = words[i % words.length] + "_" + i;
            List<ColumnInfo> columns = new ArrayList<>();
            columns.add(new ColumnInfo("id", "integer", "int4", false, Optional.empty(), true, true, Optional.empty(), List.of(), Optional.empty()));
            for (String c : List.of("name", "status", "amount", "created_at", "ref_id")) {
                Optional<String> fk = c.equals("ref_id") && i % 5 == 0 ? Optional.of("public." + words[(i + 1) % words.length] + "_" + (i + 1) + ".id")
                        : Optional.empty();
                columns.add(new ColumnInfo(c, "text", "text", true, Optional.empty(), false, false, fk, List.of(), Optional.of("the " + c)));
            }
            relations.add(new TableInfo("public", name, RelationKind.TABLE, Optional.of("generated " + words[i % words.length] + " data"),
                    1000, columns, List.of()));
        }
        Catalog catalog = new Catalog("bench", Instant.EPOCH, List.of("public"), relations, List.of(), Set.of());
        PromptBuilder builder = new PromptBuilder(PromptBuilder.DEFAULT_SCHEMA_BUDGET);
        String question = "What is the total refund amount per supplier_7 status last month?";
        int length = 0;
        for (int i = 0; i < 50; i++) {
            length = builder.userMessage(catalog, question).length();
        }
        double[] millis = new double[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            length = builder.userMessage(catalog, question).length();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        double p50 = millis[calls / 2];
        double p99 = millis[Math.min(calls - 1, (int) Math.ceil(calls * 0.99) - 1)];
        System.out.printf(Locale.ROOT, "%-52s %8s %8s %8s%n", "measure (" + calls + " calls, " + tables + " tables)", "p50 ms", "p99 ms", "chars");
        System.out.printf(Locale.ROOT, "%-52s %8.2f %8.2f %8d%n", "PromptBuilder.userMessage, warm", p50, p99, length);
        System.out.printf(Locale.ROOT, "target                                               p50 %s 20 ms%n", p50 <= 20 ? "<=" : ">");
        System.out.printf(Locale.ROOT, "{\"measure\":\"prompt_build_ms\",\"tables\":%d,\"calls\":%d,\"p50\":%.2f,\"p99\":%.2f,\"chars\":%d,\"target_p50\":20}%n",
                tables, calls, p50, p99, length);
    }
}
