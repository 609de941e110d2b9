package io.pgmcp.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A model's judgement of whether a result answers a question, asked for as JSON
 * {@code {"answers": true|false, "reason": "..."}}. Only an explicit {@code false} is doubt; anything
 * else in valid JSON counts as an answer.
 *
 * @param answers false only when the model said so
 * @param reason  the model's reason, or "no reason given"
 */
public record ResultJudgement(boolean answers, String reason) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The rows of a result as JSON text, the form the model reads them in. */
    public static String rowsJson(java.util.List<java.util.List<Object>> rows) {
        try {
            return JSON.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the rows could not be written as JSON", e);
        }
    }

    /**
     * Reads the judgement out of a completion's content.
     *
     * @throws IllegalArgumentException when the content is missing or not JSON
     */
    public static ResultJudgement parse(String content) {
        if (content == null) {
            throw new IllegalArgumentException("the model's judgement has no content");
        }
        JsonNode node;
        try {
            node = JSON.readTree(content);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the model's judgement is not JSON: " + e.getOriginalMessage(), e);
        }
        boolean doubted = node.path("answers").isBoolean() && !node.path("answers").asBoolean();
        return new ResultJudgement(!doubted, node.path("reason").asText("no reason given"));
    }
}
