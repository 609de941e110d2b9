package io.pgmcp.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.llm.LlmException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LlmValuesTest {

    @Test
    void onlyTransientKindsAreRetryable() {
        EnumSet<Kind> retryable = EnumSet.noneOf(Kind.class);
        for (Kind kind : Kind.values()) {
            if (new LlmException(kind, "x").retryable()) {
                retryable.add(kind);
            }
        }
        assertEquals(EnumSet.of(Kind.RATE_LIMITED, Kind.SERVER_ERROR, Kind.TIMEOUT, Kind.CONNECTION), retryable);
    }

    @Test
    void retryAfterIsEmptyUnlessTheServerSaidSo() {
        assertEquals(Optional.empty(), new LlmException(Kind.RATE_LIMITED, "x").retryAfter());
        assertEquals(Optional.of(Duration.ofSeconds(2)),
                new LlmException(Kind.RATE_LIMITED, "x", Optional.of(Duration.ofSeconds(2)), null).retryAfter());
    }

    @Test
    void aChatRequestCopiesItsMessagesAndNeedsOne() {
        List<ChatMessage> messages = new ArrayList<>(List.of(ChatMessage.user("hi")));
        ChatRequest request = ChatRequest.text(messages);
        messages.add(ChatMessage.assistant("changed"));
        assertEquals(1, request.messages().size());
        assertThrows(IllegalArgumentException.class, () -> ChatRequest.json(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ChatMessage(" ", "x"));
    }

    @Test
    void aCompletionRejectsNegativeTokenCounts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Completion("x", -1, 0, "m"));
        assertTrue(e.getMessage().contains("-1"));
    }
}
