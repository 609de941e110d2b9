package io.pgmcp.llm;

import java.util.List;
import java.util.Objects;

/**
 * What to ask the model: the conversation so far, and whether the answer must be a JSON object
 * (OpenAI JSON mode; the messages should then say "JSON", which the OpenAI API requires).
 */
public record ChatRequest(List<ChatMessage> messages, boolean jsonResponse) {

    public ChatRequest {
        Objects.requireNonNull(messages, "messages");
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a chat request needs at least one message");
        }
    }

    /** A JSON-mode request. */
    public static ChatRequest json(List<ChatMessage> messages) {
        return new ChatRequest(messages, true);
    }

    /** A free-text request. */
    public static ChatRequest text(List<ChatMessage> messages) {
        return new ChatRequest(messages, false);
    }
}
