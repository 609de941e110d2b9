package io.pgmcp.observability;

import io.pgmcp.config.MetricsConfig;
import io.pgmcp.config.Transport;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Prometheus scrape endpoint {@code http://host:port/path}. When it is on and its address cannot be
 * bound (the port is taken, the host is not local), start-up fails with a {@link MetricsEndpointException}
 * naming the address and the cause. Scrapes run on virtual threads. {@link #close()} stops the endpoint;
 * it is safe to call more than once.
 */
public final class MetricsServer implements AutoCloseable {
    private static final System.Logger logger = System.getLogger(MetricsServer.class.getName());

    private final HTTPServer server;

    private MetricsServer(HTTPServer server) {
        this.server = server;
    }

    /**
     * Starts the endpoint {@code config} describes for a server on {@code transport}, or returns one
     * that serves nothing when metrics are off for it (see {@link MetricsConfig#enabledFor}). Where it
     * bound is logged.
     *
     * @param registry what the endpoint serves; not read (and may be null) when metrics are off for {@code transport}
     * @throws MetricsEndpointException when the address cannot be bound
     */
    public static MetricsServer start(MetricsConfig config, Transport transport, PrometheusRegistry registry) {
        if (!config.enabledFor(transport)) {
            logger.log(System.Logger.Level.INFO, config.enabled().isPresent()
                    ? "metrics endpoint off (observability.metrics.enabled is false)"
                    : "metrics endpoint off: the stdio transport serves one desktop client, and each client's process would"
                            + " bind the same port; set observability.metrics.enabled: true (or PG_MCP_METRICS_ENABLED=true) to serve it");
            return new MetricsServer(null);
        }
        return start(config.host(), config.port(), config.path(),
                java.util.Objects.requireNonNull(registry, "registry"));
    }

    /**
     * As {@link #start(MetricsConfig, Transport, PrometheusRegistry)}, enabled; {@code port} 0 picks a free port.
     *
     * @throws MetricsEndpointException when the address cannot be bound
     */
    static MetricsServer start(String host, int port, String path, PrometheusRegistry registry) {
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        try {
            HTTPServer server = HTTPServer.builder().hostname(host).port(port).metricsHandlerPath(path)
                    .registry(registry)
                    .executorService(executor).buildAndStart();
            logger.log(System.Logger.Level.INFO, "serving Prometheus metrics at http://{0}:{1,number,#}{2}", host,
                    server.getPort(), path);
            return new MetricsServer(server);
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw new MetricsEndpointException("cannot serve Prometheus metrics at http://" + host + ":" + port + path
                    + ": " + e + " (free the port, set observability.metrics.port, or turn metrics off with "
                    + "observability.metrics.enabled: false)", e);
        }
    }

    /** The bound port, or empty when no endpoint is being served. */
    public Optional<Integer> port() {
        return server == null ? Optional.empty() : Optional.of(server.getPort());
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
