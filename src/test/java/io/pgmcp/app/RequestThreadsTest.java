package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A stdio session's request threads: platform threads up to a bound, then a virtual thread per request. */
class RequestThreadsTest {
    @Test
    void requestsBeyondThePlatformThreadsRunOnVirtualThreadsAllAtOnce() throws Exception {
        RequestThreads threads = new RequestThreads(2, "req-");
        int requests = 50;
        CountDownLatch started = new CountDownLatch(requests);
        CountDownLatch release = new CountDownLatch(1);
        ConcurrentHashMap<Boolean, Integer> byKind = new ConcurrentHashMap<>();
        for (int i = 0; i < requests; i++) {
            threads.execute(() -> {
                byKind.merge(Thread.currentThread().isVirtual(), 1, Integer::sum);
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertTrue(started.await(10, TimeUnit.SECONDS), "every request runs at once, none waits for a thread");
        assertEquals(2, byKind.get(false), "two on platform threads");
        assertEquals(requests - 2, byKind.get(true), "the rest on virtual threads");
        assertEquals(2, threads.platformThreads());
        release.countDown();
        threads.shutdown();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(threads.isTerminated());
    }

    @Test
    void anIdlePlatformThreadIsReused() throws Exception {
        RequestThreads threads = new RequestThreads(4, "req-");
        List<Thread> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < 5; i++) {
            CountDownLatch done = new CountDownLatch(1);
            threads.execute(() -> {
                seen.add(Thread.currentThread());
                done.countDown();
            });
            assertTrue(done.await(10, TimeUnit.SECONDS));
            Thread.sleep(20); // back to idle (a thread not yet waiting again is replaced by a new one, within the bound)
        }
        // one at a time mostly reuses one thread; a slow machine may find it still finishing now and then
        assertTrue(seen.stream().distinct().count() <= 2, "idle threads are reused: " + seen);
        assertFalse(seen.get(0).isVirtual());
        threads.shutdownNow();
    }

    @Test
    void afterShutdownNothingIsTakenAndABadBoundIsRefused() {
        RequestThreads threads = new RequestThreads(1, "req-");
        threads.shutdown();
        assertThrows(RejectedExecutionException.class, () -> threads.execute(() -> {}));
        assertThrows(IllegalArgumentException.class, () -> new RequestThreads(0, "req-"));
    }
}
