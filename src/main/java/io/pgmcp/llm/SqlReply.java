package io.pgmcp.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;
import java.util.Optional;

/**
 * The SQL a model answered with: JSON {@code {"sql","explanation"}} as asked, tolerating a code fence
 * around it, or a bare SQL statement (fenced or not) from models that ignore JSON mode. Anything else
 * — prose, an empty string, JSON without {@code sql} — is no SQL, and the caller asks again.
 *
 * @param sql         the statement, trimmed; never blank
 * @param explanation the model's explanation, if it gave one
 */
public record SqlReply(String sql, Optional<String> explanation) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public SqlReply {
        if (sql == null || sql.isBlank()) {
            throw new IllegalArgumentException("a reply needs SQL");
        }
    }

    /** Extracts the SQL from a completion's content; empty when there is none. */
    public static Optional<SqlReply> parse(String content) {
        if (content == null) {
            return Optional.empty();
        }
        String text = unfence(content.strip());
        if (text.startsWith("{")) {
            try {
                JsonNode node = JSON.readTree(text);
                JsonNode sql = node.get("sql");
                if (sql == null || !sql.isTextual() || sql.asText().isBlank()) {
                    return Optional.empty();
                }
                JsonNode explanation = node.get("explanation");
                return Optional.of(new SqlReply(unfence(sql.asText().strip()),
                        explanation != null && explanation.isTextual() && !explanation.asText().isBlank()
                                ? Optional.of(explanation.asText().strip())
                                : Optional.empty()));
            } catch (JsonProcessingException e) {
                return Optional.empty();
            }
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("select") || lower.startsWith("with") || lower.startsWith("values")
                || lower.startsWith("table")
                || lower.startsWith("(")) {
            return Optional.of(new SqlReply(text, Optional.empty()));
        }
        return Optional.empty();
    }

    /** Removes one surrounding Markdown code fence ({@code ```json}, {@code ```sql}, {@code ```}). */
    static String unfence(String text) {
        if (!text.startsWith("```")) {
            return text;
        }
        int firstLine = text.indexOf('\n');
        int closing = text.lastIndexOf("```");
        if (firstLine < 0 || closing <= firstLine) {
            return text;
        }
        return text.substring(firstLine + 1, closing).strip();
    }
}
