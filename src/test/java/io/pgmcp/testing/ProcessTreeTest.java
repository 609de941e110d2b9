package io.pgmcp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessTreeTest {

    @Test
    void destroyEndsTheChildrenOfALauncherScriptToo() throws IOException, InterruptedException {
        // like kc.sh: a shell that keeps running while its child does the work
        Process launcher = new ProcessBuilder("bash", "-c", "sleep 300 & sleep 301 & wait").start();
        List<ProcessHandle> children = awaitChildren(launcher, 2);
        ProcessTree.destroy(launcher.toHandle(), Duration.ofSeconds(10));
        assertFalse(launcher.isAlive());
        children.forEach(child -> assertFalse(child.isAlive(), "child " + child.pid() + " survived"));
    }

    private static List<ProcessHandle> awaitChildren(Process process, int count) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            List<ProcessHandle> children = process.children().toList();
            if (children.size() == count) {
                return children;
            }
            Thread.sleep(25);
        }
        assertEquals(count, process.children().count(), "children of the launcher");
        throw new AssertionError("unreachable");
    }
}
