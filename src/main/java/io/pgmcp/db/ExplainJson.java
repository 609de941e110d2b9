package io.pgmcp.db;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the output of {@code EXPLAIN (FORMAT JSON)} into {@link PlanNode}s with Jackson's streaming parser, which
 * the protocol has loaded already. (The JDK's XML parser, which read {@code FORMAT XML} before, loaded ~90 classes
 * on a process's first query and kept ~3.7 MB more of it resident.)
 *
 * <p>A field whose value is text, a number or a boolean is kept as PostgreSQL wrote it ({@code "Seq Scan"},
 * {@code "8.29"}, {@code "1000"}, {@code "true"}); a field whose value is a list or a group of fields, as the
 * values in it, in order; {@code "Plans"} as the node's children. PostgreSQL writes no {@code null}: one is refused
 * as unexpected, not read as a field left out (a left-out estimate would read as 0, the cheap side).
 */
final class ExplainJson {
    /**
     * Nesting deeper than this is refused instead of read: two levels for each level of plan nodes, far beyond any
     * plan PostgreSQL makes (its own stack depth limit ends a query long before), and shallow enough that reading
     * the nodes, one call per level, cannot exhaust a thread's stack.
     */
    static final int MAX_DEPTH = 1_000;

    /**
     * PostgreSQL writes a number that is not finite as {@code NaN} or {@code Infinity}, unquoted: kept as text like any
     * other number, for the plan's reader to judge ({@code io.pgmcp.sql.PlanEstimate} refuses NaN; an infinite
     * estimate is over every limit), not refused here as unreadable.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private ExplainJson() {}

    /**
     * The top plan node of the first query in {@code json}.
     *
     * @throws IllegalArgumentException when the text is not JSON or holds no plan
     */
    static PlanNode topPlan(String json) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME && parser.currentName().equals("Plan")
                        && parser.nextToken() == JsonToken.START_OBJECT) {
                    return plan(parser);
                }
            }
            throw new IllegalArgumentException("EXPLAIN output without a Plan");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("EXPLAIN output is not readable JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) { // a String is read without I/O; this is what the parser's signature allows
            throw new IllegalArgumentException("EXPLAIN output is not readable: " + e.getMessage(), e);
        }
    }

    /** Reads the plan object the parser is at the start of, up to its end. */
    private static PlanNode plan(JsonParser parser) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, List<String>> lists = new LinkedHashMap<>();
        List<PlanNode> children = new ArrayList<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equals("Plans") && value == JsonToken.START_ARRAY) {
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    children.add(plan(parser));
                }
                if (!parser.hasToken(JsonToken.END_ARRAY)) {
                    throw new IllegalArgumentException(
                            "EXPLAIN output whose \"Plans\" holds something other than plans");
                }
            } else if (value == JsonToken.START_ARRAY || value == JsonToken.START_OBJECT) {
                lists.put(name, values(parser, name));
            } else {
                fields.put(name, scalar(parser, value, name));
            }
        }
        return new PlanNode(fields, lists, children);
    }

    /** The values in the list or group the parser is at the start of, at any depth, in order; up to its end. */
    private static List<String> values(JsonParser parser, String name) throws IOException {
        List<String> values = new ArrayList<>();
        for (int depth = 1; depth > 0;) {
            JsonToken token = parser.nextToken();
            if (token.isStructStart()) {
                depth++;
            } else if (token.isStructEnd()) {
                depth--;
            } else if (token.isScalarValue()) { // not the names of a group's fields
                values.add(scalar(parser, token, name));
            }
        }
        return values;
    }

    /** The text of the value the parser is at, as PostgreSQL wrote it; a null is refused. */
    private static String scalar(JsonParser parser, JsonToken token, String name) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            throw new IllegalArgumentException("EXPLAIN output with a null in \"" + name + "\"");
        }
        return parser.getText();
    }
}
