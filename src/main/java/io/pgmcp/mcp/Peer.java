package io.pgmcp.mcp;

import java.util.Objects;
import java.util.Optional;

/**
 * Who sent a message, as far as the transport can tell: on HTTP the remote address and the
 * {@code User-Agent} header; on stdio nothing.
 *
 * @param address   the client's IP address as text, empty when unknown
 * @param userAgent the {@code User-Agent} header, empty when absent
 */
public record Peer(Optional<String> address, Optional<String> userAgent) {

    /** Nothing known (stdio). */
    public static final Peer NONE = new Peer(Optional.empty(), Optional.empty());

    public Peer {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(userAgent, "userAgent");
    }
}
