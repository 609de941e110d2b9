package io.pgmcp.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Server-wide limits and switches. {@code cacheRefreshInterval} of zero disables the background
 * schema refresh.
 */
public record ServerConfig(int maxResultRows, int maxResultBytes, Duration queryTimeout, boolean enableResultValidation,
        boolean enableExecuteSql, int maxSqlRetry, Duration cacheRefreshInterval, Transport transport,
        HttpConfig http, Duration shutdownTimeout) {

    public ServerConfig {
        Objects.requireNonNull(queryTimeout, "queryTimeout");
        Objects.requireNonNull(cacheRefreshInterval, "cacheRefreshInterval");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        if (maxResultRows < 1 || maxResultBytes < 1 || maxSqlRetry < 0) {
            throw new IllegalArgumentException(
                    "max_result_rows and max_result_bytes must be positive, max_sql_retry not negative");
        }
        if (!queryTimeout.isPositive() || cacheRefreshInterval.isNegative() || !shutdownTimeout.isPositive()) {
            throw new IllegalArgumentException("timeouts must be positive and cache_refresh_interval not negative");
        }
    }

    public static ServerConfig defaults() {
        return new ServerConfig(1000, 1_048_576, Duration.ofSeconds(30), false, true, 2, Duration.ofHours(1),
                Transport.STDIO, HttpConfig.defaults(), Duration.ofSeconds(10));
    }

    /** This config with another transport (for the {@code --transport} flag). */
    public ServerConfig withTransport(Transport newTransport) {
        return new ServerConfig(maxResultRows, maxResultBytes, queryTimeout, enableResultValidation, enableExecuteSql,
                maxSqlRetry, cacheRefreshInterval, newTransport, http, shutdownTimeout);
    }
}
