package io.pgmcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** A registry filled while sessions already run: no read sees it before it is opened, so no partial tool list. */
class RegistryOpenedLaterTest {
    private static TestTool tool(String name) {
        return new TestTool(name, (arguments, context) -> TestTool.ok("{}"));
    }

    @Test
    void readsWaitUntilTheRegistryIsOpenedThenSeeEverythingAdded() throws Exception {
        Registry registry = Registry.openedLater();
        CompletableFuture<List<String>> listed = CompletableFuture.supplyAsync(
                () -> registry.toolDefinitions().stream().map(ToolDefinition::name).toList());
        CompletableFuture<Boolean> found = CompletableFuture.supplyAsync(() -> registry.tool("second").isPresent());
        registry.add(tool("first"));
        try {
            listed.get(200, TimeUnit.MILLISECONDS);
            throw new AssertionError("a read returned before the registry was opened");
        } catch (TimeoutException expected) {
            // still waiting, as it must
        }
        registry.add(tool("second"));
        registry.open();
        assertEquals(List.of("first", "second"), listed.get(10, TimeUnit.SECONDS));
        assertTrue(found.get(10, TimeUnit.SECONDS));
        registry.open(); // idempotent
        assertEquals(2, registry.tools().size());
    }

    @Test
    void anOrdinaryRegistryNeverWaits() {
        Registry registry = new Registry();
        assertTrue(registry.toolDefinitions().isEmpty());
        assertFalse(registry.tool("none").isPresent());
        assertTrue(registry.resourceProviders().isEmpty());
    }

    @Test
    void anInterruptedWaitAnswersWhatIsThereAndKeepsTheInterrupt() throws Exception {
        Registry registry = Registry.openedLater();
        registry.add(tool("only"));
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            List<Tool> tools = registry.tools();
            outcome.complete(tools.size() + " " + Thread.currentThread().isInterrupted());
        });
        Thread.sleep(100);
        reader.interrupt();
        assertEquals("1 true", outcome.get(10, TimeUnit.SECONDS));
    }
}
