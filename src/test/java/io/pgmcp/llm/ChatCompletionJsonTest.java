package io.pgmcp.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pgmcp.llm.LlmException.Kind;
import org.junit.jupiter.api.Test;

class ChatCompletionJsonTest {

    @Test
    void errorMessagesAreFoundInEveryCommonShape() {
        assertEquals("openai",
                ChatCompletionJson.errorMessage("{\"error\": {\"message\": \"openai\", \"type\": \"x\"}}"));
        assertEquals("ollama", ChatCompletionJson.errorMessage("{\"error\": \"ollama\"}"));
        assertEquals("fastapi", ChatCompletionJson.errorMessage("{\"detail\": \"fastapi\"}"));
        assertEquals("plain", ChatCompletionJson.errorMessage("{\"message\": \"plain\"}"));
        assertEquals("Bad Gateway from nginx", ChatCompletionJson.errorMessage("Bad Gateway\n  from nginx\n"));
        assertEquals("", ChatCompletionJson.errorMessage(""));
    }

    @Test
    void nonNumericUsageCountsAsZero() throws LlmException {
        Completion completion = ChatCompletionJson.completion("{\"model\": \"m1\", \"choices\": [{\"message\": "
                + "{\"content\": \"ok\"}}], \"usage\": {\"prompt_tokens\": \"many\", \"completion_tokens\": 3}}", "m0");
        assertEquals(new Completion("ok", 0, 3, "m1"), completion);
    }

    @Test
    void aJsonValueThatIsNotAnObjectIsABadResponse() {
        LlmException e = assertThrows(LlmException.class, () -> ChatCompletionJson.completion("[1, 2]", "m"));
        assertEquals(Kind.BAD_RESPONSE, e.kind());
        assertEquals("the LLM's answer is not a JSON object: [1, 2]", e.getMessage());
    }

    @Test
    void anEmptyBodyIsABadResponse() {
        LlmException e = assertThrows(LlmException.class, () -> ChatCompletionJson.completion("", "m"));
        assertEquals("the LLM's answer is not JSON: (empty body)", e.getMessage());
    }
}
