package io.pgmcp.query;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The honest corpus: realistic queries analysts and assistants write (joins, LATERAL, recursive
 * CTEs, windows, grouping sets, ordered-set aggregates, dates, jsonb and jsonpath, arrays, full text,
 * set operations, casts, the large table through its indexes), every one valid PostgreSQL 15 that
 * must be answered. Kept in {@code src/test/resources/io/pgmcp/honest/}: a case starts with a line
 * {@code -- Hnnn construct: what it asks} and runs until the next one.
 */
record HonestCorpus(String id, String construct, String sql) {
    static final String SCHEMA = "io/pgmcp/honest/honest-schema.sql";
    static final int PARTS = 4;
    private static final Pattern HEADER = Pattern.compile("-- (H\\d{3}) ([a-z ]+): .*");

    static Path policy() {
        URL url = HonestCorpus.class.getResource("/io/pgmcp/honest/honest-policy.yaml");
        if (url == null) {
            throw new IllegalStateException("io/pgmcp/honest/honest-policy.yaml is not on the test classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad policy location " + url, e);
        }
    }

    static List<HonestCorpus> load() {
        List<HonestCorpus> cases = new ArrayList<>();
        for (int part = 1; part <= PARTS; part++) {
            String name = "/io/pgmcp/honest/honest-queries-" + part + ".sql";
            try (InputStream in = HonestCorpus.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException(name + " is not on the test classpath");
                }
                parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), cases);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cases;
    }

    private static void parse(String text, List<HonestCorpus> into) {
        String id = null;
        String construct = null;
        StringBuilder sql = new StringBuilder();
        for (String line : text.split("\n")) {
            Matcher header = HEADER.matcher(line);
            if (header.matches()) {
                add(id, construct, sql, into);
                id = header.group(1);
                construct = header.group(2);
                sql.setLength(0);
            } else if (id != null && !line.startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        add(id, construct, sql, into);
    }

    private static void add(String id, String construct, StringBuilder sql, List<HonestCorpus> into) {
        if (id != null) {
            String text = sql.toString().strip();
            if (text.isEmpty()) {
                throw new IllegalStateException("honest corpus case " + id + " has no SQL");
            }
            into.add(new HonestCorpus(id, construct, text));
        }
    }

    @Override
    public String toString() {
        return id + " " + construct + ": " + (sql.length() > 70 ? sql.substring(0, 70) + "…" : sql);
    }
}
