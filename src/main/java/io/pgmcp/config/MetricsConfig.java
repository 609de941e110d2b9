package io.pgmcp.config;

import java.util.Objects;

/** The Prometheus scrape endpoint ({@code http://host:port/path}); Prometheus is the only exporter. */
public record MetricsConfig(boolean enabled, String host, int port, String path) {
    public MetricsConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(path, "path");
        if (host.isBlank() || !path.startsWith("/")) {
            throw new IllegalArgumentException("metrics host must not be blank and path must start with /");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1-65535");
        }
    }

    public static MetricsConfig defaults() {
        return new MetricsConfig(true, "127.0.0.1", 9090, "/metrics");
    }
}
