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
     * The message gets no answer: it held only notifications or responses, or its requests were
     * cancelled (by the client, or by the session closing).
     */
    void unanswered();
}
