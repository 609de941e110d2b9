package io.pgmcp.observability;

import java.util.logging.LogManager;

/**
 * The JDK's {@link LogManager} except for one thing: its own shutdown hook does not reset it. The
 * stock manager registers a hook that closes and removes every handler when the JVM begins to exit,
 * in parallel with pg-mcp's own SIGTERM hook — so the lines that hook logs while it drains calls and
 * flushes the audit log ("termination signal: stopping ...", a failed flush) were lost at random.
 * {@link #reset()} called by anyone else (such as {@link Logging#install}) still resets. The handler
 * pg-mcp installs writes and flushes each line at once, so skipping the close loses nothing.
 *
 * <p>Selected with {@code -Djava.util.logging.manager=io.pgmcp.observability.ShutdownSafeLogManager}
 * (the image's {@code lib/pg-mcp.jvmflags}); the JDK instantiates it reflectively.
 */
public final class ShutdownSafeLogManager extends LogManager {
    /** The stock manager's shutdown hook: an inner class of {@link LogManager}. */
    private static final String JDK_CLEANER = LogManager.class.getName() + "$Cleaner";

    public ShutdownSafeLogManager() {
        super();
    }

    @Override
    public void reset() {
        if (isJdkShutdownHook(Thread.currentThread())) {
            return;
        }
        super.reset();
    }

    static boolean isJdkShutdownHook(Thread thread) {
        return thread.getClass().getName().equals(JDK_CLEANER);
    }
}
