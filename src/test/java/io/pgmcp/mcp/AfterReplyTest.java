package io.pgmcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Work a request leaves for after its answer: when it runs, on which thread, and that none of it is lost. */
class AfterReplyTest {

    @Test
    void outsideARequestNothingIsDeferred() {
        assertFalse(AfterReply.defer(() -> {}), "the caller runs it its own way");
        assertFalse(AfterReply.hasPending());
        AfterReply.runPending(); // nothing to run, no scope: no failure
    }

    @Test
    void theScopeRunsItsWorkInOrderWhenItCloses() {
        List<String> ran = new ArrayList<>();
        AfterReply.Scope scope = AfterReply.open();
        assertTrue(AfterReply.defer(() -> ran.add("first")));
        assertTrue(AfterReply.defer(() -> ran.add("second")));
        AfterReply.Scope nested = AfterReply.open();
        assertTrue(AfterReply.defer(() -> ran.add("third")));
        nested.close();
        assertEquals(List.of(), ran, "a nested scope leaves the work to the outer one");
        assertTrue(AfterReply.hasPending());
        scope.close();
        assertEquals(List.of("first", "second", "third"), ran);
        assertFalse(AfterReply.defer(() -> {}), "the scope is over");
    }

    @Test
    void runPendingRunsTheWorkEarlyAndOnlyOnce() {
        List<String> ran = new ArrayList<>();
        AfterReply.Scope scope = AfterReply.open();
        try {
            AfterReply.defer(() -> ran.add("reset"));
            AfterReply.runPending();
            assertEquals(List.of("reset"), ran);
            assertFalse(AfterReply.hasPending());
        } finally {
            scope.close();
        }
        assertEquals(List.of("reset"), ran);
    }

    @Test
    void takenWorkNoLongerRunsWithTheScope() {
        List<String> ran = new ArrayList<>();
        assertEquals(List.of(), AfterReply.takePending(), "outside a scope");
        AfterReply.Scope scope = AfterReply.open();
        Runnable first = () -> ran.add("first");
        AfterReply.defer(first);
        assertEquals(List.of(first), AfterReply.takePending());
        assertFalse(AfterReply.hasPending());
        AfterReply.defer(() -> ran.add("second"));
        scope.close();
        assertEquals(List.of("second"), ran, "the taken task is the taker's to run");
    }

    @Test
    void everyTaskRunsEvenAfterOneFailed() {
        List<String> ran = new ArrayList<>();
        AssertionError error = new AssertionError("an error");
        AfterReply.Scope scope = AfterReply.open();
        AfterReply.defer(() -> {
            throw new IllegalStateException("logged, not thrown");
        });
        AfterReply.defer(() -> {
            throw error;
        });
        AfterReply.defer(() -> ran.add("last"));
        assertSame(error, assertThrows(AssertionError.class, scope::close), "the first error, after all ran");
        assertEquals(List.of("last"), ran);
        assertFalse(AfterReply.defer(() -> {}), "the scope ended all the same");
    }

    @Test
    void aRequestsDeferredWorkRunsOnItsThreadAfterItsAnswerWasSent() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch answerSeen = new CountDownLatch(1);
        CompletableFuture<Thread> toolThread = new CompletableFuture<>();
        CompletableFuture<Thread> deferredThread = new CompletableFuture<>();
        Registry registry = new Registry().add(new TestTool("lookup", (args, context) -> {
            toolThread.complete(Thread.currentThread());
            assertTrue(AfterReply.defer(() -> {
                // had it run before the answer was sent, the client could not see the answer while it waits here
                try {
                    events.add(answerSeen.await(10, TimeUnit.SECONDS) ? "after the answer" : "before the answer");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                deferredThread.complete(Thread.currentThread());
            }));
            return TestTool.ok("{\"ok\":true}");
        }));
        try (TestClient client = new TestClient(registry)) {
            client.initialize();
            JsonNode answer = client.call("tools/call", "{\"name\":\"lookup\",\"arguments\":{}}");
            answerSeen.countDown();
            assertTrue(answer.get("result").get("structuredContent").get("ok").asBoolean(), answer::toString);
            assertSame(toolThread.get(10, TimeUnit.SECONDS), deferredThread.get(20, TimeUnit.SECONDS),
                    "on the request's own thread");
            assertEquals(List.of("after the answer"), events);
        }
    }
}
