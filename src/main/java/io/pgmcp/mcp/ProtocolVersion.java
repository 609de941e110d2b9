package io.pgmcp.mcp;

import java.util.Optional;

/** The MCP protocol revisions this server speaks, oldest first. */
public enum ProtocolVersion {
    V2025_03_26("2025-03-26"),
    V2025_06_18("2025-06-18"),
    V2025_11_25("2025-11-25");

    /** The newest revision: the answer when a client asks for one we do not support. */
    public static final ProtocolVersion LATEST = V2025_11_25;

    private final String wireName;

    ProtocolVersion(String wireName) {
        this.wireName = wireName;
    }

    /** @return the revision's date string, e.g. {@code "2025-06-18"} */
    public String wireName() {
        return wireName;
    }

    /** @return whether JSON-RPC batches are allowed (only 2025-03-26 had them) */
    public boolean supportsBatches() {
        return this == V2025_03_26;
    }

    /** @return the revision named exactly {@code name}, or empty if unsupported */
    public static Optional<ProtocolVersion> fromWireName(String name) {
        for (ProtocolVersion version : values()) {
            if (version.wireName.equals(name)) {
                return Optional.of(version);
            }
        }
        return Optional.empty();
    }
}
