package io.pgmcp.llm;

import io.pgmcp.db.Catalog;
import io.pgmcp.db.ColumnInfo;
import io.pgmcp.db.TableInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Builds what the model is told: the rules, the policy-filtered schema and the question.
 * A schema that does not fit the character budget is cut to the tables most relevant to the question
 * — table names weigh most, then column names and comments, each matched word by word — plus their
 * foreign-key neighbours, and the prompt says that it is partial. The catalog passed in must already
 * be filtered by the access policy: nothing denied can reach the model. Thread-safe; the word index
 * of the last catalog seen is kept, so a catalog is indexed once, not per question.
 */
public final class PromptBuilder {
    /** Default character budget of the schema part of a prompt. */
    public static final int DEFAULT_SCHEMA_BUDGET = 24_000;
    /** Relevant tables kept before foreign-key neighbours are added; more never fit a budget. */
    private static final int MAX_RANKED = 300;

    private final int schemaBudget;

    public PromptBuilder(int schemaBudget) {
        if (schemaBudget < 500) {
            throw new IllegalArgumentException("schema budget must be at least 500 characters, got " + schemaBudget);
        }
        this.schemaBudget = schemaBudget;
    }

    /** The system message: what to produce and the rules it must follow. */
    public static String systemMessage(int rowLimit) {
        return """
                You translate a question about a PostgreSQL database into ONE read-only SQL query.
                Rules:
                - Write exactly one SELECT (WITH ... SELECT is fine) in PostgreSQL dialect. Never INSERT, UPDATE, DELETE, DDL, \
                SET, COPY, locking clauses or several statements.
                - Use only the tables and columns in the schema below; anything else is not accessible. Never use SELECT *: \
                name the columns.
                - Use only ordinary built-in functions (aggregates, window, math, string, date/time, JSON, array, \
                conditional); no administrative or system functions.
                - Qualify column names with table aliases whenever more than one table is involved.
                - For questions that could return many rows, add ORDER BY and LIMIT %d or less; prefer aggregates.
                - A table marked large may only be read in part: filter it on a column it lists under "filter through an \
                index on", or add a LIMIT (ORDER BY, if any, on such a column). Never sort, group or count all its rows.
                Answer with a JSON object: {"sql": "<the query>", "explanation": "<one sentence on what it computes>"}.
                """.formatted(rowLimit);
    }

    /** The user message: the schema (whole, or the relevant part) and the question. */
    public String userMessage(Catalog visible, String question) {
        return userMessage(visible, OptionalLong.empty(), question);
    }

    /**
     * The user message: the schema (whole, or the relevant part) and the question.
     *
     * @param largeTableThreshold tables estimated above it are marked large in the schema; empty marks none
     */
    public String userMessage(Catalog visible, OptionalLong largeTableThreshold, String question) {
        return "Schema:\n" + schema(visible, largeTableThreshold, question) + "\nQuestion: " + question.strip();
    }

    /** The schema text for the question, no table marked large. */
    public String schema(Catalog visible, String question) {
        return schema(visible, OptionalLong.empty(), question);
    }

    /** The schema text for the question: everything if it fits, else the most relevant tables. */
    public String schema(Catalog visible, OptionalLong largeTableThreshold, String question) {
        if (visible.size() <= 300) {
            String full = SchemaText.render(visible, largeTableThreshold);
            if (full.length() <= schemaBudget) {
                return full;
            }
        }
        List<TableInfo> relevant = relevant(visible, question);
        // the relevant tables first, then the rest in catalog order while budget is left (never empty)
        Set<TableInfo> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Iterable<TableInfo> chosen = () -> java.util.stream.Stream.concat(relevant.stream(), visible.relations().stream())
                .filter(seen::add).iterator();
        List<TableInfo> fitting = new ArrayList<>();
        int used = 300;
        for (TableInfo table : chosen) {
            if (used > schemaBudget - 100) {
                break;
            }
            int size = SchemaText.render(visible, List.of(table), false, largeTableThreshold).length();
            if (used + size > schemaBudget) {
                continue;
            }
            fitting.add(table);
            used += size;
        }
        return SchemaText.render(visible, fitting, true, largeTableThreshold);
    }

    /** Tables ranked by relevance to the question, each followed by its foreign-key neighbours. */
    List<TableInfo> relevant(Catalog visible, String question) {
        Index index = index(visible);
        // identity maps: TableInfo is a record, and hashing one hashes all its columns
        Map<TableInfo, Integer> scores = new IdentityHashMap<>();
        for (String word : words(question)) {
            for (Posting posting : index.postings.getOrDefault(word, List.of())) {
                scores.merge(posting.table(), posting.weight(), Integer::sum);
            }
        }
        // only the best few hundred can fit the budget: keep those, not a sort of every match
        Comparator<TableInfo> better = Comparator.comparingInt((TableInfo t) -> -scores.get(t)).thenComparing(TableInfo::qualifiedName);
        PriorityQueue<TableInfo> top = new PriorityQueue<>(better.reversed());
        for (TableInfo table : scores.keySet()) {
            top.add(table);
            if (top.size() > MAX_RANKED) {
                top.poll();
            }
        }
        List<TableInfo> ranked = new ArrayList<>(top);
        ranked.sort(better);
        List<TableInfo> ordered = new ArrayList<>();
        Set<TableInfo> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (TableInfo table : ranked) {
            if (seen.add(table)) {
                ordered.add(table);
            }
            for (ColumnInfo column : table.columns()) {
                column.foreignKey().map(fk -> index.byName.get(target(fk))).filter(seen::add).ifPresent(ordered::add);
            }
            index.referencedBy.getOrDefault(table.qualifiedName(), List.of()).stream().limit(5).filter(seen::add).forEach(ordered::add);
        }
        return ordered;
    }

    /** A word of a table's name (weight 6), a column's name (2) or its comment (1). */
    private record Posting(TableInfo table, int weight) {
    }

    /** Word → tables, and the foreign-key graph, of one catalog; built once per catalog instance. */
    private record Index(Catalog catalog, Map<String, List<Posting>> postings, Map<String, TableInfo> byName,
                         Map<String, List<TableInfo>> referencedBy) {
    }

    private volatile Index lastIndex;

    private Index index(Catalog catalog) {
        Index index = lastIndex;
        if (index != null && index.catalog() == catalog) {
            return index;
        }
        Map<String, List<Posting>> postings = new HashMap<>();
        Map<String, TableInfo> byName = new HashMap<>();
        Map<String, List<TableInfo>> referencedBy = new HashMap<>();
        for (TableInfo table : catalog.relations()) {
            byName.put(table.qualifiedName(), table);
            Map<String, Integer> weights = new HashMap<>();
            words(table.name()).forEach(w -> weights.merge(w, 6, Integer::sum));
            for (ColumnInfo column : table.columns()) {
                words(column.name()).forEach(w -> weights.merge(w, 2, Integer::sum));
                column.foreignKey().ifPresent(fk -> referencedBy.computeIfAbsent(target(fk), k -> new ArrayList<>()).add(table));
            }
            table.comment().ifPresent(c -> words(c).forEach(w -> weights.merge(w, 1, Integer::sum)));
            weights.forEach((word, weight) -> postings.computeIfAbsent(word, k -> new ArrayList<>()).add(new Posting(table, weight)));
        }
        index = new Index(catalog, postings, byName, referencedBy);
        lastIndex = index;
        return index;
    }

    private static String target(String foreignKey) {
        int last = foreignKey.lastIndexOf('.');
        return last < 0 ? foreignKey : foreignKey.substring(0, last);
    }

    /** Lower-case words of a text or an identifier, split on non-letters and underscores, with a plural 's' dropped. */
    static Set<String> words(String text) {
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
        words.add(word.toLowerCase(Locale.ROOT));
    }
}
