package io.pgmcp.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;

/**
 * The size bounds of the schema discovery answers, and how they are measured: the UTF-8 bytes of the
 * compact JSON of a tool's {@code structuredContent} (which is also the text block the model reads),
 * or of a resource's text.
 */
final class Answers {
    /** The most a discovery tool answers with, in UTF-8 bytes of its JSON body. */
    static final int TOOL_BUDGET = 10 * 1024;
    /** Room kept for a body's fixed members (success, database, notes, cursor) while filling its list. */
    static final int ENVELOPE = 1024;
    /** The most of one comment an answer shows. */
    static final int MAX_COMMENT = 500;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Answers() {}

    /** @return the UTF-8 size of the compact JSON of {@code node} */
    static int bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    /** @return the UTF-8 size of {@code text} */
    static int bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** @return {@code text} stripped, cut to {@code max} characters with an ellipsis when longer */
    static String clip(String text, int max) {
        String stripped = text.strip();
        if (stripped.length() <= max) {
            return stripped;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(stripped.charAt(end - 1))) {
            end--;
        }
        return stripped.substring(0, end) + "…";
    }
}
