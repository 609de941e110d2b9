package io.pgmcp.mcp;

import java.util.function.Supplier;

/**
 * What the server says about itself in the {@code initialize} result.
 *
 * @param name         the {@code serverInfo.name}; not blank
 * @param version      the {@code serverInfo.version}; not blank
 * @param instructions how the model should use the server's tools; asked at each {@code initialize},
 *                     so the text can say what is known by then (e.g. how large each schema is); it
 *                     may answer {@code null} to omit them
 */
public record ServerInfo(String name, String version, Supplier<String> instructions) {
    /** @throws IllegalArgumentException if {@code name} or {@code version} is null or blank */
    public ServerInfo {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("server name must not be blank: " + name);
        }
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("server version must not be blank: " + version);
        }
        if (instructions == null) {
            instructions = () -> null;
        }
    }

    /** Fixed instructions, or {@code null} for none. */
    public ServerInfo(String name, String version, String instructions) {
        this(name, version, () -> instructions);
    }
}
