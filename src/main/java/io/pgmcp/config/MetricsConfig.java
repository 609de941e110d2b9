package io.pgmcp.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The Prometheus scrape endpoint ({@code http://host:port/path}); Prometheus is the only exporter.
 *
 * @param enabled whether to serve it; empty when not configured, which means on for the HTTP
 *                transport (one long-lived server) and off for stdio (one process per desktop
 *                client: every one of them would try to bind the same port) — see {@link #enabledFor}
 * @param principalLabel whether tool calls are also counted per principals entry
 *                       ({@code pg_mcp_principal_requests_total{principal, status}}); the label's values are the
 *                       entries' names, as many as the configuration has, never callers' own names
 */
public record MetricsConfig(Optional<Boolean> enabled, String host, int port, String path, boolean principalLabel) {
    public MetricsConfig {
        Objects.requireNonNull(enabled, "enabled");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(path, "path");
        if (host.isBlank() || !path.startsWith("/")) {
            throw new IllegalArgumentException("metrics host must not be blank and path must start with /");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1-65535");
        }
    }

    /** Without the per-principal series. */
    public MetricsConfig(Optional<Boolean> enabled, String host, int port, String path) {
        this(enabled, host, port, path, false);
    }

    /** Whether the endpoint is served with {@code transport}: as configured, else only for HTTP. */
    public boolean enabledFor(Transport transport) {
        return enabled.orElse(transport == Transport.HTTP);
    }

    public static MetricsConfig defaults() {
        return new MetricsConfig(Optional.empty(), "127.0.0.1", 9090, "/metrics");
    }
}
