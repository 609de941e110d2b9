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
 * The Prometheus scrape endpoint {@code http://host:port/path}. Metrics are an aid, not a
 * duty: when the port is taken or the host cannot be bound, start-up logs a warning and pg-mcp keeps
 * serving MCP without an endpoint. Scrapes run on virtual threads. {@link #close()} stops the
 * endpoint; it is safe to call more than once.
 */
public final class MetricsServer implements AutoCloseable {
    private static final System.Logger logger = System.getLogger(MetricsServer.class.getName());

    private final HTTPServer server;

    private MetricsServer(HTTPServer server) {
        this.server = server;
    }

    /**
     * Starts the endpoint {@code config} describes for a server on {@code transport}, or returns one
     * that serves nothing when metrics are off for it (see {@link MetricsConfig#enabledFor}) or the
     * address cannot be bound (the latter logged as a warning). Where it bound is logged.
     */
    public static MetricsServer start(MetricsConfig config, Transport transport, PrometheusRegistry registry) {
        if (!config.enabledFor(transport)) {
            logger.log(System.Logger.Level.INFO, config.enabled().isPresent()
                    ? "metrics endpoint off (observability.metrics.enabled is false)"
                    : "metrics endpoint off: the stdio transport serves one desktop client, and each client's process would"
                    + " bind the same port; set observability.metrics.enabled: true (or PG_MCP_METRICS_ENABLED=true) to serve it");
            return new MetricsServer(null);
        }
        return start(config.host(), config.port(), config.path(), registry);
    }

    /** As {@link #start(MetricsConfig, PrometheusRegistry)}, enabled; {@code port} 0 picks a free port. */
    static MetricsServer start(String host, int port, String path, PrometheusRegistry registry) {
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        try {
            HTTPServer server = HTTPServer.builder().hostname(host).port(port).metricsHandlerPath(path).registry(registry)
                    .executorService(executor).buildAndStart();
            logger.log(System.Logger.Level.INFO, "serving Prometheus metrics at http://{0}:{1,number,#}{2}", host, server.getPort(), path);
            return new MetricsServer(server);
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            logger.log(System.Logger.Level.WARNING, "metrics endpoint http://{0}:{1,number,#}{2} could not start ({3}); "
                    + "pg-mcp continues without metrics — free the port or set observability.metrics.port", host, port, path, e.toString());
            return new MetricsServer(null);
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
