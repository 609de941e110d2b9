package io.pgmcp.app;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * SIGTERM (and SIGINT) handling: a JVM shutdown hook that stops the serving transport (calls in
 * flight answered within {@code server.shutdown_timeout} or cancelled), closes the server (audit and
 * traces flushed, pools closed) and ends the process with exit code 0. A hook cannot call
 * {@code System.exit} (it would wait for itself), so after a signal it halts once everything is
 * flushed; when {@link Main} exits on its own the hook only makes sure the server is closed and the
 * JVM exits with Main's code.
 */
final class Termination {
    private static final System.Logger logger = System.getLogger(Termination.class.getName());

    private final AtomicReference<PgMcpServer> server = new AtomicReference<>();
    private final AtomicBoolean installed = new AtomicBoolean();
    private final AtomicBoolean exiting = new AtomicBoolean();
    private final boolean install;
    private final PrintStream stdout;
    private final PrintStream stderr;
    private volatile int exitCode;

    private Termination(boolean install, PrintStream stdout, PrintStream stderr) {
        this.install = install;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** For the real process: installs the hook when a server starts serving. */
    static Termination forProcess(PrintStream stdout, PrintStream stderr) {
        return new Termination(true, stdout, stderr);
    }

    /** For {@link Main#run} called in-process (tests): no hook. */
    static Termination none() {
        // never installed, so it never flushes anything: no stream of the test JVM is touched
        PrintStream nowhere = new PrintStream(java.io.OutputStream.nullOutputStream(), false,
                java.nio.charset.StandardCharsets.UTF_8);
        return new Termination(false, nowhere, nowhere);
    }

    /** {@code server} is about to serve: from now on a signal shuts it down in order. */
    void serving(PgMcpServer serving) {
        server.set(serving);
        if (install && installed.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(this::shutDown, "pg-mcp-shutdown"));
        }
    }

    /** Main is about to exit with {@code code} on its own (not a signal). */
    void exiting(int code) {
        exitCode = code;
        exiting.set(true);
    }

    private void shutDown() {
        // decided once, at the start: Main may call exiting() while the hook is stopping the server
        boolean signalled = !exiting.get();
        PgMcpServer serving = server.get();
        if (serving != null) {
            if (signalled) {
                logger.log(System.Logger.Level.INFO, "termination signal: stopping, draining calls in flight");
            }
            try {
                serving.stopServing();
                serving.close();
            } catch (RuntimeException e) {
                logger.log(System.Logger.Level.ERROR, "shutdown did not complete cleanly", e);
            }
        }
        stdout.flush();
        stderr.flush();
        if (signalled) {
            // a signal: the JVM would exit with 128 + signal number; an orderly stop is a success
            Runtime.getRuntime().halt(exitCode);
        }
    }
}
