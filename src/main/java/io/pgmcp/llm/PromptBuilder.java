package io.pgmcp.llm;

import io.pgmcp.db.Catalog;
import io.pgmcp.db.ColumnInfo;
import io.pgmcp.db.TableInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds what the model is told (SPEC §6.2): the rules, the policy-filtered schema and the question.
 * A schema that does not fit the character budget is cut to the tables most relevant to the question
 * — table names weigh most, then column names and comments, each matched word by word — plus their
 * foreign-key neighbours, and the prompt says that it is partial. The catalog passed in must already
 * be filtered by the access policy: nothing denied can reach the model. Pure and thread-safe.
 */
public final class PromptBuilder {
    /** Default character budget of the schema part of a prompt. */
    public static final int DEFAULT_SCHEMA_BUDGET = 24_000;

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
                - Filter large tables on indexed columns.
                Answer with a JSON object: {"sql": "<the query>", "explanation": "<one sentence on what it computes>"}.
                """.formatted(rowLimit);
    }

    /** The user message: the schema (whole, or the relevant part) and the question. */
    public String userMessage(Catalog visible, String question) {
        return "Schema:\n" + schema(visible, question) + "\nQuestion: " + question.strip();
    }

    /** The schema text for the question: everything if it fits, else the most relevant tables. */
    public String schema(Catalog visible, String question) {
        if (visible.size() <= 300) {
            String full = SchemaText.render(visible);
            if (full.length() <= schemaBudget) {
                return full;
            }
        }
        List<TableInfo> chosen = relevant(visible, question);
        List<TableInfo> fitting = new ArrayList<>();
        int used = 300;
        for (TableInfo table : chosen) {
            if (used > schemaBudget - 100) {
                break;
            }
            int size = SchemaText.render(visible, List.of(table), false).length();
            if (used + size > schemaBudget) {
                continue;
            }
            fitting.add(table);
            used += size;
        }
        return SchemaText.render(visible, fitting, true);
    }

    /** Tables ranked by relevance to the question, each followed by its foreign-key neighbours. */
    List<TableInfo> relevant(Catalog visible, String question) {
        Set<String> words = words(question);
        Map<TableInfo, Integer> scores = new HashMap<>();
        for (TableInfo table : visible.relations()) {
            int score = 0;
            for (String part : words(table.name())) {
                if (words.contains(part)) {
                    score += 6;
                }
            }
            for (ColumnInfo column : table.columns()) {
                for (String part : words(column.name())) {
                    if (words.contains(part)) {
                        score += 2;
                    }
                }
            }
            if (table.comment().isPresent()) {
                for (String part : words(table.comment().get())) {
                    if (words.contains(part)) {
                        score += 1;
                    }
                }
            }
            if (score > 0) {
                scores.put(table, score);
            }
        }
        List<TableInfo> ranked = new ArrayList<>(scores.keySet());
        ranked.sort(Comparator.comparingInt((TableInfo t) -> -scores.get(t)).thenComparing(TableInfo::qualifiedName));
        Map<String, TableInfo> byName = new HashMap<>();
        for (TableInfo table : visible.relations()) {
            byName.put(table.qualifiedName(), table);
        }
        Map<String, List<TableInfo>> referencedBy = new HashMap<>();
        for (TableInfo table : visible.relations()) {
            for (ColumnInfo column : table.columns()) {
                column.foreignKey().ifPresent(fk -> referencedBy.computeIfAbsent(target(fk), k -> new ArrayList<>()).add(table));
            }
        }
        LinkedHashSet<TableInfo> ordered = new LinkedHashSet<>();
        for (TableInfo table : ranked) {
            ordered.add(table);
            for (ColumnInfo column : table.columns()) {
                column.foreignKey().map(fk -> byName.get(target(fk))).ifPresent(ordered::add);
            }
            referencedBy.getOrDefault(table.qualifiedName(), List.of()).stream().limit(5).forEach(ordered::add);
        }
        // the rest, in catalog order, fills what budget is left (the prompt is never empty)
        ordered.addAll(visible.relations());
        return new ArrayList<>(ordered);
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
