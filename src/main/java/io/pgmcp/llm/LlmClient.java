package io.pgmcp.llm;

/**
 * A chat-completions model. The real one is {@link OpenAiClient}, usually wrapped in a
 * {@link RetryingLlmClient}; {@link NotConfiguredClient} stands in when no LLM is configured, and
 * tests use lambdas. Implementations are thread-safe.
 */
@FunctionalInterface
public interface LlmClient extends AutoCloseable {

    /**
     * Asks the model for the next assistant message.
     *
     * @throws LlmException when no usable answer came back; its {@link LlmException#kind()} says why
     *                      and whether another try may help
     */
    Completion complete(ChatRequest request) throws LlmException;

    /** Releases connections; the default holds none. */
    @Override
    default void close() {}
}
