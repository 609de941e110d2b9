package io.pgmcp.mcp;

/**
 * Where a session's outbound messages go: the transport's single writer.
 *
 * <p>Implementations must be thread-safe and serialise writes, so that each message leaves intact
 * and whole. A sink reports a broken channel itself (it logs and shuts its session down); it may
 * throw an unchecked exception, which the session logs and otherwise ignores.
 */
@FunctionalInterface
public interface MessageSink {

    /** @param compactJsonLine one complete JSON-RPC message (or batch), compact, without a newline */
    void send(String compactJsonLine);
}
