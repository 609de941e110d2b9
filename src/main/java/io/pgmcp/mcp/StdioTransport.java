package io.pgmcp.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * MCP over stdio: newline-delimited JSON-RPC messages on an input and an output stream.
 *
 * <p>Reads UTF-8 lines ({@code \n} or {@code \r\n}; blank lines ignored), each bounded by
 * {@code maxLineBytes}: an over-long line is skipped without being buffered and answered with
 * {@code -32700}, as is a line that is not UTF-8, and the session goes on. Writes each outbound
 * message as one line, flushed, under a lock, so the output carries nothing but whole messages.
 *
 * <p>Give it a raw {@code FileOutputStream} for stdout rather than {@code System.out}: a
 * {@link PrintStream} hides write errors (they are detected through {@code checkError}, later).
 * Neither stream is closed by the transport. One {@link #run} per instance.
 */
public final class StdioTransport {

    /** 16 MiB. */
    public static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

    private static final System.Logger logger = System.getLogger(StdioTransport.class.getName());

    private final InputStream in;
    private final OutputStream out;
    private final int maxLineBytes;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean outputBroken = new AtomicBoolean();
    private volatile McpSession session;
    private volatile boolean stopped;

    /** @throws IllegalArgumentException if {@code maxLineBytes} is not positive */
    public StdioTransport(InputStream in, OutputStream out, int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.maxLineBytes = maxLineBytes;
    }

    public StdioTransport(InputStream in, OutputStream out) {
        this(in, out, DEFAULT_MAX_LINE_BYTES);
    }

    /**
     * Serves one session until the input ends, then closes the session (draining requests in
     * flight for up to {@code drain}) and returns. If writing fails (the client went away), logs
     * it, cancels the session's requests, and returns at the next line or end of input.
     *
     * @param sessionFactory builds the session around the transport's sink
     * @throws UncheckedIOException  if reading the input fails (after the session was closed)
     * @throws IllegalStateException if called twice
     */
    public void run(Function<MessageSink, McpSession> sessionFactory, Duration drain) {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("StdioTransport.run may be called once");
        }
        LineWriter writer = new LineWriter();
        McpSession served = Objects.requireNonNull(sessionFactory.apply(writer), "session");
        session = served;
        LineReader reader = new LineReader(in, maxLineBytes);
        try {
            while (!outputBroken.get() && !stopped) {
                LineReader.Result next = reader.next();
                if (next instanceof LineReader.End) {
                    break;
                }
                deliver(next, served, writer);
            }
        } catch (IOException e) {
            logger.log(Level.ERROR, "Reading the input failed; closing session " + served.sessionId(), e);
            throw new UncheckedIOException("reading the MCP input failed", e);
        } finally {
            served.close(drain);
            writer.flush();
        }
    }

    /**
     * Stops serving (SIGTERM): the session stops taking messages, its requests in flight are answered
     * within {@code drain} or cancelled, and this returns when that is done. {@link #run} returns at
     * its next line or end of input; a read blocked on the input is not interrupted (the process is
     * expected to exit). Safe from any thread; repeatable.
     */
    public void stop(Duration drain) {
        stopped = true;
        McpSession current = session;
        if (current != null) {
            current.close(drain);
        }
    }

    private void deliver(LineReader.Result next, McpSession served, LineWriter writer) {
        try {
            switch (next) {
                case LineReader.Line line when line.text().isBlank() -> {}
                case LineReader.Line line -> served.handle(line.text());
                case LineReader.TooLong tooLong ->
                    writer.send(JsonRpc
                            .write(JsonRpc.parseError("Parse error: message exceeds " + maxLineBytes + " bytes")));
                case LineReader.Malformed malformed ->
                    writer.send(JsonRpc.write(JsonRpc.parseError("Parse error: message is not valid UTF-8")));
                case LineReader.End end -> {}
            }
        } catch (RuntimeException e) {
            // The top of the read loop: one bad message must not end the session.
            logger.log(Level.ERROR, "Unexpected failure handling a message of session " + served.sessionId(), e);
        }
    }

    private void outputFailed(IOException e) {
        if (!outputBroken.compareAndSet(false, true)) {
            return;
        }
        logger.log(Level.ERROR, "Writing to the output failed; shutting the session down", e);
        McpSession current = session;
        if (current != null) {
            // Not on this thread: it may be a request's own thread, which close() would wait for.
            Thread.ofVirtual().name("mcp-stdio-shutdown").start(() -> current.close(Duration.ZERO));
        }
    }

    /** The single writer: whole lines, flushed, one at a time. */
    private final class LineWriter implements MessageSink {
        private final ReentrantLock lock = new ReentrantLock();

        @Override
        public void send(String compactJsonLine) {
            write((compactJsonLine + "\n").getBytes(StandardCharsets.UTF_8));
        }

        void flush() {
            write(new byte[0]);
        }

        /** Writes and flushes under the lock; after the first failure the output is left alone. */
        private void write(byte[] bytes) {
            lock.lock();
            try {
                if (outputBroken.get()) {
                    return;
                }
                out.write(bytes);
                out.flush();
                checkPrintStream();
            } catch (IOException e) {
                outputFailed(e);
            } finally {
                lock.unlock();
            }
        }

        private void checkPrintStream() throws IOException {
            if (out instanceof PrintStream print && print.checkError()) {
                throw new IOException("the output stream reported an error");
            }
        }
    }
}
