package io.pgmcp.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The SQL-guard corpus, one case per line, with its schema and policy: this project's own test
 * resources under {@code src/test/resources/io/pgmcp/guard/} (kept and grown here; nothing is read
 * from outside the repository).
 */
public record GuardCorpus(String id, String sql, String category, boolean allow, String why) {
    /** Classpath location of the corpus's schema script, for {@code PostgresDatabase.withScripts}. */
    public static final String SCHEMA = "io/pgmcp/guard/guard-schema.sql";
    /** The directory holding the corpus, its schema and its policy (a directory of the test classpath). */
    public static final Path DIRECTORY = directory();
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
                cases.add(new GuardCorpus(node.get("id").asText(), node.get("sql").asText(),
                        node.get("category").asText(),
                        node.get("expect").asText().equals("allow"), node.path("why").asText()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    private static Path directory() {
        URL url = GuardCorpus.class.getResource("/io/pgmcp/guard/sql-guard-corpus.jsonl");
        if (url == null) {
            throw new IllegalStateException("io/pgmcp/guard/sql-guard-corpus.jsonl is not on the test classpath");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad corpus location " + url, e);
        }
    }

    @Override
    public String toString() {
        return id + " " + (sql.length() > 80 ? sql.substring(0, 80) + "…" : sql);
    }
}
