package io.pgmcp.cli;

import io.pgmcp.config.ConfigException;
import io.pgmcp.config.ConfigLoader;
import io.pgmcp.config.LoadedConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the configuration comes from: {@code --config FILE}, else {@code $PG_MCP_CONFIG}, else the
 * environment alone (one database from {@code PG_MCP_DATABASE_*}).
 */
public final class ConfigSource {
    private final Optional<Path> file;
    private final Map<String, String> env;

    public ConfigSource(Options options, Map<String, String> env) {
        this.env = Map.copyOf(env);
        String fromEnv = env.get("PG_MCP_CONFIG");
        this.file = options.config().or(() -> fromEnv == null || fromEnv.isBlank()
                ? Optional.empty()
                : Optional.of(Path.of(fromEnv)));
    }

    /** Loads and validates the configuration. */
    public LoadedConfig load() throws ConfigException {
        ConfigLoader loader = new ConfigLoader(env);
        return file.isPresent() ? loader.load(file.get()) : loader.fromEnvironment();
    }

    /** A short description for messages: the file name or "environment". */
    public String describe() {
        return file.map(Path::toString).orElse("environment (PG_MCP_*)");
    }
}
