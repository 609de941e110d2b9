package io.pgmcp.llm;

import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.CatalogIndex;
import io.pgmcp.catalog.TableInfo;
import java.util.ArrayList;
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
 * ({@link CatalogIndex}) of the last catalog seen is kept, so a catalog is indexed once, not per question.
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
        return String.format(Locale.ROOT,
                """
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
                        """,
                rowLimit);
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
        Iterable<TableInfo> chosen = () -> java.util.stream.Stream
                .concat(relevant.stream(), visible.relations().stream())
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
        CatalogIndex index = index(visible);
        List<TableInfo> ranked = index.rank(question, MAX_RANKED, false).matches().stream()
                .map(CatalogIndex.Match::table).toList();
        return index.withNeighbours(ranked);
    }

    private volatile CatalogIndex lastIndex;

    private CatalogIndex index(Catalog catalog) {
        CatalogIndex index = lastIndex;
        if (index != null && index.catalog() == catalog) {
            return index;
        }
        index = CatalogIndex.of(catalog);
        lastIndex = index;
        return index;
    }
}
