package io.pgmcp.mcp;

import java.util.Objects;
import java.util.Optional;

/**
 * Who sent a message, as far as the transport can tell: on HTTP the remote address, the
 * {@code User-Agent} header and the principal its credentials prove; on stdio nothing.
 *
 * @param address   the client's IP address as text, empty when unknown
 * @param userAgent the {@code User-Agent} header, empty when absent
 * @param principal the authenticated caller's name (a bearer token's name, an OAuth principal), empty
 *                  without authentication
 */
public record Peer(Optional<String> address, Optional<String> userAgent, Optional<String> principal) {

    /** Nothing known (stdio). */
    public static final Peer NONE = new Peer(Optional.empty(), Optional.empty(), Optional.empty());

    public Peer {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(userAgent, "userAgent");
        Objects.requireNonNull(principal, "principal");
    }

    /** An unauthenticated peer. */
    public Peer(Optional<String> address, Optional<String> userAgent) {
        this(address, userAgent, Optional.empty());
    }
}
