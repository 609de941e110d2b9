package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.System.Logger.Level;
import java.util.Objects;

/**
 * The session's side of a {@link MessageSink}: serialises a message and hands it to the sink. The
 * final answer to a message goes through {@link #answer} or {@link #unanswered}, which a
 * {@link MessageChannel} tells apart from notifications; a plain sink sees answers as messages and
 * nothing for an unanswered message.
 *
 * <p>A sink that throws has a dead channel; the transport owns the reaction (it logs and shuts the
 * session down), so here the message is dropped and the request's work is not disturbed.
 */
final class Outbound {

    private static final System.Logger logger = System.getLogger(Outbound.class.getName());

    private final MessageSink sink;

    Outbound(MessageSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** @return whether messages sent here go to {@code channel} */
    boolean isFor(MessageSink channel) {
        return sink == channel;
    }

    /** Sends a notification (or, on a plain sink, any message). */
    void send(JsonNode message) {
        String line = JsonRpc.write(message);
        try {
            sink.send(line);
        } catch (RuntimeException e) {
            logger.log(Level.DEBUG, "Outbound message dropped: the channel failed", e);
        }
    }

    /** Sends the final answer to an inbound message. */
    void answer(JsonNode message) {
        answer(message, 200);
    }

    /** Sends the final answer to an inbound message, with the HTTP status a channel per message uses. */
    void answer(JsonNode message, int httpStatus) {
        if (!(sink instanceof MessageChannel channel)) {
            send(message);
            return;
        }
        String line = JsonRpc.write(message);
        try {
            channel.answer(line, httpStatus);
        } catch (RuntimeException e) {
            logger.log(Level.DEBUG, "Answer dropped: the channel failed", e);
        }
    }

    /** Tells the channel that an inbound message will not be answered. */
    void unanswered() {
        if (sink instanceof MessageChannel channel) {
            try {
                channel.unanswered();
            } catch (RuntimeException e) {
                logger.log(Level.DEBUG, "The channel failed while ending", e);
            }
        }
    }
}
