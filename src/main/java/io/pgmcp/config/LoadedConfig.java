package io.pgmcp.config;

import java.util.List;
import java.util.Objects;

/** A valid configuration and the warnings about it (risky but legal settings), for the log and {@code --validate-config}. */
public record LoadedConfig(PgMcpConfig config, List<String> warnings) {
    public LoadedConfig {
        Objects.requireNonNull(config, "config");
        warnings = List.copyOf(warnings);
    }
}
