package io.pgmcp.mcp;

/**
 * What the client said about itself in {@code initialize} ({@code params.clientInfo}).
 *
 * @param name    the client's name; never null
 * @param version the client's version, or {@code null} when the client did not send one
 */
public record ClientInfo(String name, String version) {
    /** @throws IllegalArgumentException if {@code name} is null */
    public ClientInfo {
        if (name == null) {
            throw new IllegalArgumentException("client name must not be null");
        }
    }
}
