package io.pgmcp.mcp;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The MCP protocol revisions this server speaks, oldest first, in two eras: the legacy revisions
 * (2025-03-26 to 2025-11-25) open a session with the {@code initialize} handshake; the modern ones
 * (2026-07-28 on) are stateless, every request naming its revision in {@code _meta}.
 */
public enum ProtocolVersion {
    V2025_03_26("2025-03-26", false),
    V2025_06_18("2025-06-18", false),
    V2025_11_25("2025-11-25", false),
    V2026_07_28("2026-07-28", true);

    /**
     * The newest revision {@code initialize} can negotiate: the answer when a client asks the
     * handshake for one we do not support (a modern revision has no handshake).
     */
    public static final ProtocolVersion LATEST = V2025_11_25;

    /** The newest revision of all. */
    public static final ProtocolVersion NEWEST = V2026_07_28;

    private static final List<String> NEWEST_FIRST = Arrays.stream(values())
            .sorted((a, b) -> b.wireName.compareTo(a.wireName)).map(ProtocolVersion::wireName).toList();

    private final String wireName;
    private final boolean modern;

    ProtocolVersion(String wireName, boolean modern) {
        this.wireName = wireName;
        this.modern = modern;
    }

    /** @return the revision's date string, e.g. {@code "2025-06-18"} */
    public String wireName() {
        return wireName;
    }

    /** @return whether the revision is stateless (per-request {@code _meta}, no handshake, no sessions) */
    public boolean isModern() {
        return modern;
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

    /** @return every revision's wire name, newest first (what {@code server/discover} and {@code -32022} list) */
    public static List<String> wireNamesNewestFirst() {
        return NEWEST_FIRST;
    }
}
