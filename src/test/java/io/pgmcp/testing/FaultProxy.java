package io.pgmcp.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on {@code 127.0.0.1} between pg-mcp and PostgreSQL that injects network faults: it can
 * {@link #cutAll() cut} every open connection, {@link #blackhole(boolean) blackhole} traffic (connections
 * are accepted and kept, but every byte is dropped, both ways), add {@link #latency(Duration) latency}
 * to every chunk forwarded, and {@link #refuse(boolean) refuse} new connections (closed at once).
 *
 * <p>Each connection is pumped by two virtual threads; {@link #threads()} counts the live ones so a
 * test can check that none is left behind. Every wait is bounded: the upstream connect by
 * {@value #CONNECT_TIMEOUT_MILLIS} ms, a latency sleep by its setting. Thread-safe; the fault switches
 * may be flipped while traffic flows. {@link #close()} stops accepting, cuts every connection and
 * waits (bounded) for the pumps to end.
 */
public final class FaultProxy implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final InetSocketAddress upstream;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Set<Thread> pumps = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean blackhole;
    private volatile boolean refuse;
    private volatile Duration latency = Duration.ZERO;
    private volatile boolean closed;

    /** One proxied connection: the client's socket and ours to the server. */
    private record Link(Socket client, Socket server) {
        void close() {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private FaultProxy(InetSocketAddress upstream) throws IOException {
        this.upstream = upstream;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().name("fault-proxy-accept-" + listener.getLocalPort())
                .unstarted(this::accept);
    }

    /** A proxy to {@code host:port}, listening on a free loopback port. */
    public static FaultProxy start(String host, int port) {
        try {
            FaultProxy proxy = new FaultProxy(new InetSocketAddress(host, port));
            proxy.acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on a loopback port", e);
        }
    }

    /** A proxy to the server of {@code database}. */
    public static FaultProxy to(TestDatabase database) {
        return start(database.host(), database.port());
    }

    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code postgresql://user:password@127.0.0.1:proxyPort/name} for {@code database}'s superuser. */
    public String postgresUrl(TestDatabase database) {
        String direct = database.postgresUrl();
        String hostPort = database.host() + ":" + database.port() + "/";
        int at = direct.lastIndexOf(hostPort);
        return direct.substring(0, at) + host() + ":" + port() + "/" + direct.substring(at + hostPort.length());
    }

    /** Closes every open connection, both sides, as a network reset would. New connections still work. */
    public void cutAll() {
        for (Link link : List.copyOf(links)) {
            links.remove(link);
            link.close();
        }
    }

    /** While on, connections are accepted and kept open but every byte is dropped, in both directions. */
    public void blackhole(boolean on) {
        blackhole = on;
    }

    /** Delays every chunk forwarded, in both directions, by {@code delay} (zero: none). */
    public void latency(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, got " + delay);
        }
        latency = delay;
    }

    /** While on, new connections are closed as soon as they are accepted. Open ones are left alone. */
    public void refuse(boolean on) {
        refuse = on;
    }

    /** Heals every fault: no blackhole, no latency, no refusal. Connections cut stay cut. */
    public void heal() {
        blackhole = false;
        refuse = false;
        latency = Duration.ZERO;
    }

    /** Connections open through the proxy now. */
    public int openConnections() {
        return links.size();
    }

    /** Connections accepted since the start (refused ones included). */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** Chunks dropped by the blackhole since the start. */
    public long droppedChunks() {
        return dropped.get();
    }

    /** Pump threads still running (two per open connection, until both sides have ended). */
    public int threads() {
        return (int) pumps.stream().filter(Thread::isAlive).count();
    }

    /**
     * Waits until every pump thread has ended, at most {@code timeout}; true when they all have.
     * Pumps end shortly after both sockets of their connection are closed.
     */
    public boolean awaitNoThreads(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread pump : List.copyOf(pumps)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !pump.join(Duration.ofNanos(left))) {
                return threads() == 0;
            }
        }
        return threads() == 0;
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            if (refuse || closed) {
                closeQuietly(client);
                continue;
            }
            spawn("fault-proxy-connect-" + port(), () -> connect(client));
        }
    }

    private void connect(Socket client) {
        Socket server = new Socket();
        try {
            server.connect(upstream, CONNECT_TIMEOUT_MILLIS);
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(server);
            return;
        }
        Link link = new Link(client, server);
        links.add(link);
        if (closed) { // close() ran while we connected: it may have missed this link
            links.remove(link);
            link.close();
            return;
        }
        pump(link, client, server, "up");
        pump(link, server, client, "down");
    }

    private void pump(Link link, Socket from, Socket to, String direction) {
        spawn("fault-proxy-" + direction + "-" + port(), () -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                byte[] buffer = new byte[16 * 1024];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (blackhole) {
                        dropped.incrementAndGet();
                        continue;
                    }
                    Duration delay = latency;
                    if (!delay.isZero()) {
                        Thread.sleep(delay);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (SocketException e) {
                // cut, reset or closed by the other pump: the link is over
            } catch (IOException e) {
                // same
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                links.remove(link);
                link.close();
            }
        });
    }

    private void spawn(String name, Runnable task) {
        Thread thread = Thread.ofVirtual().name(name).unstarted(task);
        pumps.removeIf(t -> t.getState() == Thread.State.TERMINATED);
        pumps.add(thread);
        thread.start();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        cutAll();
        try {
            acceptor.join(CLOSE_WAIT);
            awaitNoThreads(CLOSE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "FaultProxy[127.0.0.1:" + port() + " -> " + upstream + ", open=" + links.size() + ", blackhole="
                + blackhole
                + ", refuse=" + refuse + ", latency=" + latency.toMillis() + " ms]";
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing a broken socket: nothing more to release
        }
    }
}
