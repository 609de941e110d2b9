package io.pgmcp.llm;

import java.util.Objects;

/**
 * The model's answer and what it cost. Token counts are 0 when the server did not report usage.
 *
 * @param model the model that answered, as the server named it (falls back to the one requested)
 */
public record Completion(String content, int promptTokens, int completionTokens, String model) {

    public Completion {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(model, "model");
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative, got " + promptTokens + " and "
                    + completionTokens);
        }
    }

    /** Prompt plus completion tokens, for the token budget. */
    public long totalTokens() {
        return (long) promptTokens + completionTokens;
    }
}
