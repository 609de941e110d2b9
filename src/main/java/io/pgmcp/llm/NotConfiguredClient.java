package io.pgmcp.llm;

/**
 * The LLM stand-in when neither {@code openai.api_key} nor {@code openai.base_url} is set: every call
 * fails with {@link LlmException.Kind#NOT_CONFIGURED}, and everything that needs no LLM keeps working.
 */
public final class NotConfiguredClient implements LlmClient {
    static final String MESSAGE = "LLM not configured: set openai.api_key or openai.base_url (or OPENAI_API_KEY)";

    @Override
    public Completion complete(ChatRequest request) throws LlmException {
        throw new LlmException(LlmException.Kind.NOT_CONFIGURED, MESSAGE);
    }

    @Override
    public String toString() {
        return "NotConfiguredClient";
    }
}
