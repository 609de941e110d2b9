package io.pgmcp.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The word index and foreign-key graph of one catalog: which tables a word points to (a word of the
 * table's name weighs 6, of a column's name 2, of a comment 1) and which tables reference a table.
 * Built once per catalog instance — pass the policy-filtered catalog, and nothing denied is indexed.
 * Immutable and thread-safe.
 */
public final class CatalogIndex {
    static final int NAME_WEIGHT = 6;
    static final int COLUMN_WEIGHT = 2;
    static final int COMMENT_WEIGHT = 1;

    /** One table that matched, with its summed weight. */
    public record Match(TableInfo table, int score) {}

    /** A word of a table: the table and the weight the word has there. */
    private record Posting(TableInfo table, int weight) {}

    /** A foreign key seen from the table it points to. */
    public record Reference(TableInfo from, String column, String toColumn) {}

    private final Catalog catalog;
    private final Map<String, List<Posting>> postings;
    private final Map<String, TableInfo> byName;
    private final Map<String, List<Reference>> referencedBy;

    private CatalogIndex(Catalog catalog) {
        this.catalog = catalog;
        Map<String, List<Posting>> words = new HashMap<>();
        Map<String, TableInfo> names = new HashMap<>();
        Map<String, List<Reference>> references = new HashMap<>();
        for (TableInfo table : catalog.relations()) {
            names.put(table.qualifiedName(), table);
            Map<String, Integer> weights = new HashMap<>();
            words(table.name()).forEach(w -> weights.merge(w, NAME_WEIGHT, Integer::sum));
            for (ColumnInfo column : table.columns()) {
                words(column.name()).forEach(w -> weights.merge(w, COLUMN_WEIGHT, Integer::sum));
                column.foreignKey().ifPresent(fk -> references.computeIfAbsent(targetTable(fk), k -> new ArrayList<>())
                        .add(new Reference(table, column.name(), targetColumn(fk))));
            }
            table.comment().ifPresent(c -> words(c).forEach(w -> weights.merge(w, COMMENT_WEIGHT, Integer::sum)));
            weights.forEach((word, weight) -> words.computeIfAbsent(word, k -> new ArrayList<>())
                    .add(new Posting(table, weight)));
        }
        this.postings = words;
        this.byName = names;
        references.replaceAll((k, v) -> List.copyOf(v));
        this.referencedBy = references;
    }

    /** Indexes {@code catalog}; costs one pass over its tables and columns. */
    public static CatalogIndex of(Catalog catalog) {
        return new CatalogIndex(catalog);
    }

    /** @return the catalog this index was built from */
    public Catalog catalog() {
        return catalog;
    }

    /** @return the table named {@code schema.table} (exact), if indexed */
    public Optional<TableInfo> table(String qualifiedName) {
        return Optional.ofNullable(byName.get(qualifiedName));
    }

    /** @return the foreign keys of other indexed tables that point to {@code table}, in catalog order */
    public List<Reference> referencedBy(TableInfo table) {
        return referencedBy.getOrDefault(table.qualifiedName(), List.of());
    }

    /**
     * The tables that share words with {@code text}, best first (ties by name), at most {@code max}.
     *
     * @param prefixes also let a word of the text that matches nothing exactly match the indexed words
     *                 it begins (at least 3 characters; each such match weighs half, rounded up)
     */
    public Ranking rank(String text, int max, boolean prefixes) {
        // identity maps: TableInfo is a record, and hashing one hashes all its columns
        Map<TableInfo, Integer> scores = new IdentityHashMap<>();
        for (String word : words(text)) {
            List<Posting> exact = postings.get(word);
            if (exact != null) {
                exact.forEach(p -> scores.merge(p.table(), p.weight(), Integer::sum));
            } else if (prefixes && word.length() >= 3) {
                postings.forEach((indexed, list) -> {
                    if (indexed.startsWith(word)) {
                        list.forEach(p -> scores.merge(p.table(), (p.weight() + 1) / 2, Integer::sum));
                    }
                });
            }
        }
        // only the best few can be shown: keep those, not a sort of every match
        Comparator<Match> better = Comparator.comparingInt((Match m) -> -m.score())
                .thenComparing(m -> m.table().qualifiedName());
        PriorityQueue<Match> top = new PriorityQueue<>(better.reversed());
        scores.forEach((table, score) -> {
            top.add(new Match(table, score));
            if (top.size() > max) {
                top.poll();
            }
        });
        List<Match> ranked = new ArrayList<>(top);
        ranked.sort(better);
        return new Ranking(List.copyOf(ranked), scores.size());
    }

    /** The best matches and how many tables matched at all. */
    public record Ranking(List<Match> matches, int total) {}

    /** {@code ranked}, each table followed by its foreign-key neighbours (targets, then up to five referrers). */
    public List<TableInfo> withNeighbours(List<TableInfo> ranked) {
        List<TableInfo> ordered = new ArrayList<>();
        Set<TableInfo> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (TableInfo table : ranked) {
            if (seen.add(table)) {
                ordered.add(table);
            }
            for (ColumnInfo column : table.columns()) {
                column.foreignKey().map(fk -> byName.get(targetTable(fk))).filter(seen::add).ifPresent(ordered::add);
            }
            referencedBy(table).stream().limit(5).map(Reference::from).filter(seen::add).forEach(ordered::add);
        }
        return ordered;
    }

    /** {@code schema.table.column} → {@code schema.table}. */
    public static String targetTable(String foreignKey) {
        int last = foreignKey.lastIndexOf('.');
        return last < 0 ? foreignKey : foreignKey.substring(0, last);
    }

    /** {@code schema.table.column} → {@code column}. */
    public static String targetColumn(String foreignKey) {
        return foreignKey.substring(foreignKey.lastIndexOf('.') + 1);
    }

    /** Lower-case words of a text or an identifier, split on non-letters and underscores, with a plural 's' dropped. */
    public static Set<String> words(String text) {
        Set<String> words = new HashSet<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ' ';
            if (Character.isLetterOrDigit(c)) {
                word.append(Character.toLowerCase(c));
            } else if (!word.isEmpty()) {
                add(words, word.toString());
                word.setLength(0);
            }
        }
        return words;
    }

    private static void add(Set<String> words, String word) {
        if (word.length() < 2) {
            return;
        }
        words.add(word);
        if (word.length() > 3 && word.endsWith("s")) {
            words.add(word.substring(0, word.length() - 1));
        }
        if (word.length() > 4 && word.endsWith("ies")) {
            words.add(word.substring(0, word.length() - 3) + "y");
        }
    }
}
