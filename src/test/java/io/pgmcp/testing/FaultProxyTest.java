package io.pgmcp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fault proxy against a loopback echo server: forwarding, cut, blackhole, latency, refusal, and no thread left behind. */
@Timeout(30)
class FaultProxyTest {
    private ServerSocket echo;
    private Thread echoThread;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoThread = Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket socket = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (socket;
                                InputStream in = socket.getInputStream();
                                OutputStream out = socket.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // the proxy cut it
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        proxy = FaultProxy.start("127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        echo.close();
        echoThread.join(Duration.ofSeconds(5));
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(proxy.host(), proxy.port());
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes());
        socket.getOutputStream().flush();
        byte[] answer = socket.getInputStream().readNBytes(text.length());
        return new String(answer);
    }

    @Test
    void forwardsBothWays() throws Exception {
        try (Socket socket = connect()) {
            assertEquals("hello", roundTrip(socket, "hello"));
            assertEquals(1, proxy.openConnections());
        }
        assertTrue(proxy.awaitNoThreads(Duration.ofSeconds(5)), "pumps end when the client closes: " + proxy.threads());
        assertEquals(0, proxy.openConnections());
    }

    @Test
    void cutClosesOpenConnectionsButNotNewOnes() throws Exception {
        try (Socket socket = connect()) {
            assertEquals("a", roundTrip(socket, "a"));
            proxy.cutAll();
            assertEquals(-1, socket.getInputStream().read(), "the client sees the connection end");
        }
        assertTrue(proxy.awaitNoThreads(Duration.ofSeconds(5)));
        try (Socket socket = connect()) {
            assertEquals("b", roundTrip(socket, "b"));
        }
    }

    @Test
    void blackholeDropsBytesAndHealingForwardsAgain() throws Exception {
        try (Socket socket = connect()) {
            assertEquals("x", roundTrip(socket, "x"));
            proxy.blackhole(true);
            socket.setSoTimeout(300);
            socket.getOutputStream().write("lost".getBytes());
            assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read());
            assertTrue(proxy.droppedChunks() > 0);
            proxy.blackhole(false);
            socket.setSoTimeout(5_000);
            assertEquals("kept", roundTrip(socket, "kept"), "the dropped bytes are gone, new ones pass");
        }
    }

    @Test
    void latencyDelaysEveryChunk() throws Exception {
        proxy.latency(Duration.ofMillis(100));
        try (Socket socket = connect()) {
            long start = System.nanoTime();
            assertEquals("slow", roundTrip(socket, "slow"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 200, "two hops of 100 ms, took " + millis + " ms");
        }
    }

    @Test
    void refusalClosesNewConnectionsAtOnce() throws Exception {
        proxy.refuse(true);
        try (Socket socket = connect()) {
            assertEquals(-1, socket.getInputStream().read());
        }
        proxy.heal();
        try (Socket socket = connect()) {
            assertEquals("ok", roundTrip(socket, "ok"));
        }
    }

    @Test
    void closeLeavesNoThreads() throws Exception {
        Socket a = connect();
        Socket b = connect();
        roundTrip(a, "1");
        roundTrip(b, "2");
        assertTrue(proxy.threads() >= 4, "two pumps per connection: " + proxy.threads());
        proxy.close();
        assertEquals(0, proxy.threads());
        assertEquals(-1, a.getInputStream().read());
        a.close();
        b.close();
    }
}
