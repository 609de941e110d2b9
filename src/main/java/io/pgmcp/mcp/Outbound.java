package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.System.Logger.Level;
import java.util.Objects;

/**
 * The session's side of a {@link MessageSink}: serialises a message and hands it to the sink.
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

    void send(JsonNode message) {
        String line = JsonRpc.write(message);
        try {
            sink.send(line);
        } catch (RuntimeException e) {
            logger.log(Level.DEBUG, "Outbound message dropped: the channel failed", e);
        }
    }
}
