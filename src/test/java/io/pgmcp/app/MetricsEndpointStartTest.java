package io.pgmcp.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.testing.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/** A metrics endpoint that cannot be served stops pg-mcp at start-up, saying where and why. */
@ResourceLock(LogCapture.LOCK) // runs Main.run, which resets the logging configuration
class MetricsEndpointStartTest {
    @TempDir
    Path dir;

    @Test
    void aTakenMetricsPortFailsStartUpNamingTheAddressAndTheCause() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, """
                    databases:
                      - name: main
                        url: postgresql://reader@127.0.0.1:1/nowhere
                        min_pool_size: 0
                    audit:
                      file_path: %s
                    observability:
                      metrics: {enabled: true, host: 127.0.0.1, port: %d, path: /metrics}
                    """.formatted(dir.resolve("audit.jsonl"), taken.getLocalPort()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            int code = Main.run(new String[]{"--config", config.toString()}, InputStream.nullInputStream(),
                    new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8),
                    Map.of("HOME", dir.toString()));

            String stderr = err.toString(UTF_8);
            assertEquals(1, code, stderr);
            assertTrue(stderr.contains("cannot serve Prometheus metrics at http://127.0.0.1:" + taken.getLocalPort()
                    + "/metrics: java.net.BindException"), stderr);
            assertEquals("", out.toString(UTF_8), "nothing on the MCP wire");
        }
    }
}
