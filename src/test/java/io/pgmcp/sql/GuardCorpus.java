package io.pgmcp.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The shared SQL-guard corpus ({@code ../shared/testdata/sql-guard-corpus.jsonl}), one case per line. */
public record GuardCorpus(String id, String sql, String category, boolean allow, String why) {
    public static final Path DIRECTORY = Path.of("../shared/testdata");
    /** Valid PostgreSQL that parsers often mishandle: refusing them is tolerated (counted as over-blocking). */
    public static final Set<String> TOLERATED = Set.of("OK32", "OK33");

    public static List<GuardCorpus> load() {
        ObjectMapper json = new ObjectMapper();
        List<GuardCorpus> cases = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(DIRECTORY.resolve("sql-guard-corpus.jsonl"))) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = json.readTree(line);
                cases.add(new GuardCorpus(node.get("id").asText(), node.get("sql").asText(), node.get("category").asText(),
                        node.get("expect").asText().equals("allow"), node.path("why").asText()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    @Override
    public String toString() {
        return id + " " + (sql.length() > 80 ? sql.substring(0, 80) + "…" : sql);
    }
}
