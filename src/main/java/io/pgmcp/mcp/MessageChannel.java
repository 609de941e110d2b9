package io.pgmcp.mcp;

/**
 * The channel of one inbound message on a transport that answers each message on its own channel
 * (Streamable HTTP answers each POST in its HTTP response). {@link #send} carries the notifications of
 * the message's requests (progress, log messages) while they run; then exactly one of {@link #answer}
 * or {@link #unanswered} ends the channel.
 *
 * <p>Implementations must be thread-safe: notifications and the answer come from request threads.
 */
interface MessageChannel extends MessageSink {

    /** @param compactJson the message's one answer: a response, an error, or a batch's array */
    void answer(String compactJson);

    /**
     * Like {@link #answer(String)}, with the HTTP status to answer with when the channel has one and
     * the answer is the first thing to leave (a modern request refused before it ran gets 400 or 404).
     */
    default void answer(String compactJson, int httpStatus) {
        answer(compactJson);
    }

    /**
     * The message gets no answer: it held only notifications or responses, or its requests were
     * cancelled (by the client, or by the session closing).
     */
    void unanswered();
}
