package io.pgmcp.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The audit log: one event per tool call, to a rotated JSONL file, stdout, stderr, or a PostgreSQL
 * table reached through {@code database} (required exactly when {@code storage} is
 * {@link AuditStorage#DATABASE}).
 */
public record AuditConfig(boolean enabled, AuditStorage storage, Path filePath, int maxSizeMb, int maxFiles,
        boolean redactSql, boolean compress, boolean fsync, Optional<ConnectionTarget> database) {

    public AuditConfig {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(filePath, "filePath");
        Objects.requireNonNull(database, "database");
        if (maxSizeMb < 1 || maxFiles < 1) {
            throw new IllegalArgumentException("max_size_mb and max_files must be at least 1");
        }
        if (storage == AuditStorage.DATABASE && database.isEmpty()) {
            throw new IllegalArgumentException("database_url is required when storage is database");
        }
        if (storage != AuditStorage.DATABASE && database.isPresent()) {
            throw new IllegalArgumentException("database_url is only used with storage: database");
        }
    }

    /** Defaults, with the file under the state directory named by this process's environment. */
    public static AuditConfig defaults() {
        return defaults(System.getenv());
    }

    /** Defaults, with the file under the state directory named by {@code env}. */
    public static AuditConfig defaults(Map<String, String> env) {
        return new AuditConfig(true, AuditStorage.FILE, defaultFilePath(env), 100, 10, false, false, false,
                Optional.empty());
    }

    /**
     * {@code $XDG_STATE_HOME/pg-mcp/audit.jsonl} when that is an absolute path, else
     * {@code $HOME/.local/state/pg-mcp/audit.jsonl} (falling back to the {@code user.home} property).
     */
    public static Path defaultFilePath(Map<String, String> env) {
        String xdg = env.get("XDG_STATE_HOME");
        if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "pg-mcp", "audit.jsonl");
        }
        String home = env.get("HOME");
        if (home == null || home.isEmpty()) {
            home = System.getProperty("user.home");
        }
        return Path.of(home, ".local", "state", "pg-mcp", "audit.jsonl");
    }
}
