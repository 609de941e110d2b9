package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgmcp.audit.AuditLog;
import io.pgmcp.config.ConfigLoader;
import io.pgmcp.config.HttpConfig;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.config.ServerConfig;
import io.pgmcp.config.Transport;
import io.pgmcp.mcp.HttpTestClient;
import io.pgmcp.mcp.HttpTransport;
import io.pgmcp.observability.Scrape;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.sql.LiteralRedactor;
import io.pgmcp.testing.FaultProxy;
import io.pgmcp.testing.TestDatabase;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A whole pg-mcp in this JVM, as the composition root builds it: Streamable HTTP on a free loopback
 * port, its Prometheus endpoint on another, a file audit log, and its one database {@code main}
 * reached through a {@link FaultProxy} so a test can take the database away. {@link #close()} stops
 * the server and the proxy.
 */
final class MeteredServer implements AutoCloseable {
    /** How long the metrics endpoint (started in the background) may take to answer. */
    private static final Duration ENDPOINT_WAIT = Duration.ofSeconds(10);

    private final PgMcpServer server;
    private final HttpTransport transport;
    private final FaultProxy proxy;
    private final int metricsPort;

    private MeteredServer(PgMcpServer server, HttpTransport transport, FaultProxy proxy, int metricsPort) {
        this.server = server;
        this.transport = transport;
        this.proxy = proxy;
        this.metricsPort = metricsPort;
    }

    /**
     * Starts pg-mcp on {@code database} (through a new proxy) with its files in {@code dir}.
     *
     * @param extraYaml more top-level configuration (openai, rate_limit, ...), or ""
     * @param policyYaml the database's {@code access_policy} as a YAML flow mapping
     */
    static MeteredServer start(TestDatabase database, Path dir, String policyYaml, String extraYaml) throws Exception {
        FaultProxy proxy = FaultProxy.to(database);
        try {
            int metricsPort = freePort();
            Path file = dir.resolve("config.yaml");
            Files.writeString(file, """
                    databases:
                      - name: main
                        url: "%s"
                        access_policy: %s
                    retry:
                      database: {max_retries: 0}
                      openai: {max_retries: 0}
                    observability:
                      metrics: {enabled: true, host: 127.0.0.1, port: %d, path: /metrics}
                    audit: {storage: file, file_path: "%s"}
                    %s
                    """.formatted(proxy.postgresUrl(database), policyYaml, metricsPort, dir.resolve("audit.jsonl"),
                    extraYaml));
            PgMcpConfig config = new ConfigLoader(Map.of("HOME", dir.toString())).load(file).config();
            ServerConfig s = config.server();
            HttpConfig anyPort = new HttpConfig("127.0.0.1", 0, List.of(), List.of(), Optional.empty());
            config = config.withServer(new ServerConfig(s.maxResultRows(), s.maxResultBytes(), s.queryTimeout(),
                    s.enableResultValidation(), s.enableExecuteSql(), s.maxSqlRetry(), s.cacheRefreshInterval(),
                    Transport.HTTP, anyPort, Duration.ofSeconds(5)));
            AuditLog audit = AuditLog.open(config.audit(), new LiteralRedactor(), io.pgmcp.db.AuditTableWriter::new,
                    OutputStream.nullOutputStream(),
                    OutputStream.nullOutputStream(), Ticker.system());
            PgMcpServer server = new PgMcpServer(config, "test", audit);
            try {
                return new MeteredServer(server, server.startHttp(), proxy, metricsPort);
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
        } catch (Exception | Error e) {
            proxy.close();
            throw e;
        }
    }

    /** A new MCP client of this server, initialized. */
    HttpTestClient client() {
        HttpTestClient client = new HttpTestClient(transport.endpoint());
        client.initialize();
        return client;
    }

    int metricsPort() {
        return metricsPort;
    }

    /** Takes the database away: new connections are refused, open ones are cut. */
    void stopDatabase() {
        proxy.refuse(true);
        proxy.cutAll();
    }

    /** One scrape of {@code /metrics}, waiting (bounded) for the endpoint that starts in the background. */
    Scrape scrape() throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
        long deadline = System.nanoTime() + ENDPOINT_WAIT.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Accept", "text/plain").build();
            while (true) {
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, response.statusCode(), response.body());
                    return new Scrape(response.body());
                } catch (ConnectException notYet) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new AssertionError(
                                "no metrics endpoint at " + uri + " after " + ENDPOINT_WAIT.toSeconds() + " s", notYet);
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            proxy.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
