package io.pgmcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.HttpConfig;
import io.pgmcp.config.Secret;
import io.pgmcp.config.TlsConfig;
import io.pgmcp.resilience.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS with a PKCS#12 keystore made by the JDK's keytool in the test. */
class HttpsTransportTest {

    @TempDir
    Path dir;

    /** keytool next to the java running the tests. */
    static Path keytool() {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        return java.resolveSibling("keytool");
    }

    static Path keystore(Path dir, String password) throws IOException, InterruptedException {
        Path file = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(keytool().toString(), "-genkeypair", "-alias", "pg-mcp", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", password)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS), "keytool hung");
        assertEquals(0, keytool.exitValue(), output);
        return file;
    }

    @Test
    void servesMcpOverTlsWithAPkcs12Keystore() throws Exception {
        Path keystore = keystore(dir, "changeit-store");
        HttpConfig config = new HttpConfig("127.0.0.1", 0, List.of(), List.of(),
                Optional.of(new TlsConfig(keystore, Optional.of(new Secret("changeit-store")))));
        HttpTransport transport = HttpTransport.start(config, HttpLimits.of(10, Duration.ofMinutes(5)),
                (id, sink) -> new McpSession(TestClient.SERVER, new Registry(), McpSession.genericToolErrorMapper(),
                        sink, id),
                ResponseHeaders.NONE, Readiness.ALWAYS, Ticker.system());
        try {
            assertEquals("https", transport.endpoint().getScheme());
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                trusted.load(in, "changeit-store".toCharArray());
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            HttpTestClient client = new HttpTestClient(HttpClient.newBuilder().sslContext(context).build(),
                    transport.endpoint());
            assertEquals("2025-06-18", client.initialize().get("protocolVersion").asText());
            assertEquals(200, client.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").status());
        } finally {
            transport.stop(Duration.ZERO);
        }
    }

    @Test
    void aWrongKeystorePasswordIsAClearStartError() throws Exception {
        Path keystore = keystore(dir, "right-password");
        HttpConfig config = new HttpConfig("127.0.0.1", 0, List.of(), List.of(),
                Optional.of(new TlsConfig(keystore, Optional.of(new Secret("wrong-password")))));
        IOException e = assertThrows(IOException.class,
                () -> HttpTransport.start(config, HttpLimits.of(10, Duration.ofMinutes(5)),
                        (id, sink) -> new McpSession(TestClient.SERVER, new Registry(),
                                McpSession.genericToolErrorMapper(), sink, id),
                        ResponseHeaders.NONE, Readiness.ALWAYS, Ticker.system()));
        assertTrue(e.getMessage().contains("cannot load the TLS keystore"), e.getMessage());
        assertTrue(!e.getMessage().contains("wrong-password") && !e.getMessage().contains("right-password"));
    }
}
