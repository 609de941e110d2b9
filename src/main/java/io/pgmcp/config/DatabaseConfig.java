package io.pgmcp.config;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** One configured database: how to reach it, its pool size, and what the guard lets clients read. */
public record DatabaseConfig(String name, ConnectionTarget target, int minPoolSize, int maxPoolSize,
        AccessPolicyConfig accessPolicy) {

    public static final String DEFAULT_NAME = "main";
    public static final int DEFAULT_MIN_POOL_SIZE = 2;
    public static final int DEFAULT_MAX_POOL_SIZE = 10;
    public static final int MAX_POOL_SIZE_LIMIT = 100;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,63}");

    public DatabaseConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(accessPolicy, "accessPolicy");
        if (!isValidName(name)) {
            throw new IllegalArgumentException("name '" + name + "' must be 1-63 letters, digits, '_' or '-'");
        }
        if (minPoolSize < 0 || minPoolSize > MAX_POOL_SIZE_LIMIT || maxPoolSize < 1
                || maxPoolSize > MAX_POOL_SIZE_LIMIT) {
            throw new IllegalArgumentException("pool sizes must be 0-100 (min) and 1-100 (max)");
        }
        if (minPoolSize > maxPoolSize) {
            throw new IllegalArgumentException(
                    "min_pool_size (" + minPoolSize + ") must not exceed max_pool_size (" + maxPoolSize + ")");
        }
    }

    /** A database with default pool sizes and the default access policy. */
    public static DatabaseConfig of(String name, ConnectionTarget target) {
        return new DatabaseConfig(name, target, DEFAULT_MIN_POOL_SIZE, DEFAULT_MAX_POOL_SIZE,
                AccessPolicyConfig.defaults());
    }

    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
    }

    public DatabaseConfig withAccessPolicy(AccessPolicyConfig policy) {
        return new DatabaseConfig(name, target, minPoolSize, maxPoolSize, policy);
    }

    /** {@code jdbc:postgresql://host:port/dbname?sslmode=...}, without credentials. */
    public String jdbcUrl() {
        return target.jdbcUrl();
    }

    /** {@code host:port/dbname}: safe for messages (no user, no password). */
    public String displayTarget() {
        return target.displayTarget();
    }

    public Optional<String> user() {
        return target.user();
    }

    public Optional<Secret> password() {
        return target.password();
    }

    public String host() {
        return target.host();
    }

    public int port() {
        return target.port();
    }

    public String dbname() {
        return target.dbname();
    }

    public SslMode sslMode() {
        return target.sslMode();
    }
}
