package io.pgmcp.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** A process together with all its descendants, to be ended as one (a launcher script and the JVM it started). */
final class ProcessTree {

    private static final System.Logger logger = System.getLogger(ProcessTree.class.getName());

    private ProcessTree() {}

    /**
     * Kills {@code root} and all its descendants with SIGKILL and waits up to {@code wait} for them to
     * exit. Descendants are collected first: once their parent is gone they are no longer found.
     */
    static void destroy(ProcessHandle root, Duration wait) {
        List<ProcessHandle> tree = Stream.concat(root.descendants(), Stream.of(root)).toList();
        tree.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + wait.toNanos();
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                logger.log(System.Logger.Level.WARNING, "Process " + handle.pid() + " did not exit within " + wait
                        + " of SIGKILL");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
