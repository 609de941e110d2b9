package io.pgmcp.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on {@code 127.0.0.1} in front of PostgreSQL that reads the wire protocol going through it and
 * counts round trips: the times a client sent a request while it had no answer outstanding, so had to wait
 * for the server before going on. A request is a simple Query ({@code Q}) or a Sync ({@code S}) (the
 * extended-protocol messages before a Sync travel with it), each answered by one ReadyForQuery ({@code Z});
 * messages sent while an answer is outstanding ride in the same round trip. Pipelined work — pgjdbc's
 * {@code BEGIN} as a {@code Q} followed by the statement's Parse/Bind/Execute/Sync in one write — is one
 * round trip and two ReadyForQuery. The login is not counted. A batch the client wrote at once is forwarded
 * at once, after all of it was read, so the server cannot answer part of it before the rest was counted.
 *
 * <p>Needs an unencrypted connection ({@code sslmode=disable}). Counts over every connection through the
 * proxy; {@link #reset()} starts a new count. Also records the text of every simple Query, and of every
 * Parse, so a test can see what was sent. {@link #hold} keeps one simple Query from the server until the test
 * lets it go, to delay its answer. Thread-safe.
 */
public final class RoundTripProxy implements AutoCloseable {
    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_REQUEST = 80877104;

    private final InetSocketAddress upstream;
    private final ServerSocket listener;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private long roundTrips; // guarded by lock
    private long readyForQuery; // guarded by lock
    private final List<String> sent = new ArrayList<>(); // guarded by lock
    private volatile boolean closed;
    private volatile Hold hold;

    private RoundTripProxy(InetSocketAddress upstream) throws IOException {
        this.upstream = upstream;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("round-trip-proxy-" + listener.getLocalPort()).start(this::accept);
    }

    /** A proxy to the server of {@code database}. */
    public static RoundTripProxy to(TestDatabase database) {
        try {
            return new RoundTripProxy(new InetSocketAddress(database.host(), database.port()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on a loopback port", e);
        }
    }

    /** {@code postgresql://user:password@127.0.0.1:proxyPort/name?sslmode=disable} for the superuser. */
    public String postgresUrl(TestDatabase database) {
        String direct = database.postgresUrl();
        String hostPort = database.host() + ":" + database.port() + "/";
        int at = direct.lastIndexOf(hostPort);
        return direct.substring(0, at) + "127.0.0.1:" + listener.getLocalPort() + "/"
                + direct.substring(at + hostPort.length()) + "?sslmode=disable";
    }

    /** Round trips since the start or the last {@link #reset()}. */
    public long roundTrips() {
        synchronized (lock) {
            return roundTrips;
        }
    }

    /** ReadyForQuery messages the server sent since the start or the last {@link #reset()}. */
    public long readyForQuery() {
        synchronized (lock) {
            return readyForQuery;
        }
    }

    /**
     * The SQL sent since the start or the last {@link #reset()}, in order: {@code "Q "} and the text of
     * each simple Query, {@code "P "} and the text of each Parse.
     */
    public List<String> sent() {
        synchronized (lock) {
            return List.copyOf(sent);
        }
    }

    /**
     * Holds back the next simple Query whose text starts with {@code prefix} (on any connection): it reaches the
     * server only after {@link Hold#release()} (or when the proxy closes). One hold at a time.
     */
    public Hold hold(String prefix) {
        Hold next = new Hold(prefix);
        hold = next;
        return next;
    }

    /** A simple Query held back by {@link #hold}. */
    public static final class Hold {
        private final String prefix;
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        private Hold(String prefix) {
            this.prefix = prefix;
        }

        /** Waits until the query arrived at the proxy and is being held. */
        public boolean awaitHeld(long millis) throws InterruptedException {
            return reached.await(millis, TimeUnit.MILLISECONDS);
        }

        public boolean isHeld() {
            return reached.getCount() == 0 && released.getCount() > 0;
        }

        /** Sends the query on to the server. */
        public void release() {
            released.countDown();
        }
    }

    public void reset() {
        synchronized (lock) {
            roundTrips = 0;
            readyForQuery = 0;
            sent.clear();
        }
    }

    @Override
    public void close() {
        closed = true;
        Hold current = hold;
        if (current != null) {
            current.release();
        }
        closeQuietly(listener);
        sockets.forEach(RoundTripProxy::closeQuietly);
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            Socket server = new Socket();
            try {
                server.connect(upstream, 5_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(server);
                continue;
            }
            sockets.add(client);
            sockets.add(server);
            Link link = new Link(client, server);
            Thread.ofVirtual().start(link::up);
            Thread.ofVirtual().start(link::down);
        }
    }

    /** One proxied connection, read message by message in both directions. */
    private final class Link {
        private final Socket client;
        private final Socket server;
        /** Requests (Q, S) sent and not yet answered by a ReadyForQuery; guarded by {@link #lock}. */
        private int outstanding;
        /** Whether the client has sent something the server has not yet answered in full; guarded by {@link #lock}. */
        private boolean waiting;
        /** Until the first ReadyForQuery, the login: nothing is counted; guarded by {@link #lock}. */
        private boolean loggedIn;
        /** Encryption requests whose one-byte answer the server has yet to send; guarded by {@link #lock}. */
        private int pendingEncryptionAnswers;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void up() {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(client.getInputStream(), 1 << 16))) {
                OutputStream out = new BufferedOutputStream(server.getOutputStream(), 1 << 16);
                boolean untyped = true; // the startup packet and the encryption requests before it
                while (true) {
                    if (untyped) {
                        int length = in.readInt();
                        byte[] body = in.readNBytes(length - 4);
                        int code = body.length >= 4
                                ? ((body[0] & 0xff) << 24) | ((body[1] & 0xff) << 16)
                                        | ((body[2] & 0xff) << 8) | (body[3] & 0xff)
                                : 0;
                        boolean encryption = code == SSL_REQUEST || code == GSS_REQUEST;
                        if (encryption) {
                            synchronized (lock) {
                                pendingEncryptionAnswers++;
                            }
                        }
                        untyped = encryption;
                        writeInt(out, length);
                        out.write(body);
                        out.flush();
                        continue;
                    }
                    int type = in.read();
                    if (type < 0) {
                        return;
                    }
                    int length = in.readInt();
                    byte[] body = in.readNBytes(length - 4);
                    Hold current = hold;
                    if (type == 'Q' && current != null && cString(body, 0).startsWith(current.prefix)) {
                        hold = null;
                        out.flush();
                        current.reached.countDown();
                        try {
                            current.released.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                    synchronized (lock) {
                        if (loggedIn && type != 'X') {
                            if (!waiting) {
                                roundTrips++;
                                waiting = true;
                            }
                            if (type == 'Q' || type == 'S') {
                                outstanding++;
                            }
                            if (type == 'Q') {
                                sent.add("Q " + cString(body, 0));
                            } else if (type == 'P') {
                                sent.add("P " + cString(body, body.length > 0 ? indexOfNul(body, 0) + 1 : 0));
                            }
                        }
                    }
                    forward(in, out, type, length, body);
                }
            } catch (IOException e) {
                // the connection ended
            } finally {
                closeBoth();
            }
        }

        void down() {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(server.getInputStream(), 1 << 16))) {
                OutputStream out = new BufferedOutputStream(client.getOutputStream(), 1 << 16);
                while (true) {
                    boolean encryptionAnswer;
                    synchronized (lock) {
                        encryptionAnswer = pendingEncryptionAnswers > 0;
                        if (encryptionAnswer) {
                            pendingEncryptionAnswers--;
                        }
                    }
                    int type = in.read();
                    if (type < 0) {
                        return;
                    }
                    if (encryptionAnswer) {
                        if (type != 'N') {
                            throw new IOException("the server offers encryption; use sslmode=disable");
                        }
                        out.write(type);
                        out.flush();
                        continue;
                    }
                    int length = in.readInt();
                    byte[] body = in.readNBytes(length - 4);
                    if (type == 'Z') {
                        synchronized (lock) {
                            if (loggedIn) {
                                readyForQuery++;
                                outstanding = Math.max(0, outstanding - 1);
                                waiting = outstanding > 0;
                            }
                            loggedIn = true;
                        }
                    }
                    forward(in, out, type, length, body);
                }
            } catch (IOException e) {
                // the connection ended
            } finally {
                closeBoth();
            }
        }

        /** Passes one message on, flushing when nothing more is waiting behind it. */
        private static void forward(DataInputStream in, OutputStream out, int type, int length, byte[] body)
                throws IOException {
            out.write(type);
            writeInt(out, length);
            out.write(body);
            if (in.available() == 0) {
                out.flush();
            }
        }

        private void closeBoth() {
            closeQuietly(client);
            closeQuietly(server);
            sockets.remove(client);
            sockets.remove(server);
        }
    }

    private static int indexOfNul(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return bytes.length;
    }

    private static String cString(byte[] bytes, int from) {
        return new String(bytes, from, indexOfNul(bytes, from) - from, StandardCharsets.UTF_8);
    }

    private static void writeInt(OutputStream out, int value) throws IOException {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
