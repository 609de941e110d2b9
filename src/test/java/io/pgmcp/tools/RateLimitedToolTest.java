package io.pgmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.config.ClientIdentifier;
import io.pgmcp.config.RateLimitConfig;
import io.pgmcp.config.RateLimitStrategy;
import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.Tool;
import io.pgmcp.mcp.ToolAnnotations;
import io.pgmcp.mcp.ToolDefinition;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.resilience.RateLimiter;
import io.pgmcp.testing.FakeTicker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RateLimitedToolTest {
    static final class CountingTool implements Tool {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public ToolDefinition definition() {
            ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "object");
            return new ToolDefinition("counting", null, "counts", schema, schema, new ToolAnnotations(true, false, true, false));
        }

        @Override
        public ToolResult call(ObjectNode arguments, RequestContext context) {
            calls.incrementAndGet();
            return ToolResult.success(JsonNodeFactory.instance.objectNode().put("success", true));
        }
    }

    @Test
    void aClientOverItsLimitIsToldHowLongToWaitAndTheToolDoesNotRun() throws Exception {
        RateLimitConfig d = RateLimitConfig.defaults();
        RateLimitConfig config = new RateLimitConfig(true, 100, 1000, 2, d.clientIdentifier(), d.tokensPerMinute(), d.tokensPerHour(),
                RateLimitStrategy.REJECT, d.maxQueueWait(), d.includeHeaders(), false);
        FakeTicker ticker = new FakeTicker();
        CountingTool tool = new CountingTool();
        RateLimitedTool limited = new RateLimitedTool(tool, new RateLimiter(config, ticker));
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        assertFalse(limited.call(args, new TestContext()).isError());
        assertFalse(limited.call(args, new TestContext()).isError());
        ToolResult refused = limited.call(args, new TestContext());
        assertTrue(refused.isError());
        ObjectNode body = refused.structuredContent();
        assertEquals("RATE_LIMIT_EXCEEDED", body.get("error_code").asText());
        assertEquals("per_client_per_minute", body.at("/details/limit_type").asText());
        assertEquals(2, body.at("/details/limit").asInt());
        assertEquals(0, body.at("/details/remaining").asInt());
        assertTrue(body.at("/details/retry_after").asLong() >= 1);
        assertTrue(body.get("error_message").asText().contains("Wait"), body.toString());
        assertEquals(2, tool.calls.get(), "the refused call never reached the tool");
        ticker.advance(Duration.ofSeconds(61));
        assertFalse(limited.call(args, new TestContext()).isError(), "a new window admits again");
    }

    @Test
    void httpClientsAreKeyedByAddressOrSessionAsClientIdentifierSays() throws Exception {
        RateLimitConfig d = RateLimitConfig.defaults();
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        for (ClientIdentifier identifier : ClientIdentifier.values()) {
            RateLimitConfig config = new RateLimitConfig(true, 100, 1000, 1, identifier, d.tokensPerMinute(), d.tokensPerHour(),
                    RateLimitStrategy.REJECT, d.maxQueueWait(), d.includeHeaders(), false);
            RateLimitedTool limited = new RateLimitedTool(new CountingTool(), new RateLimiter(config, new FakeTicker()));
            assertFalse(limited.call(args, new TestContext("s1", Optional.of("10.0.0.7"), Optional.empty())).isError());
            boolean sameAddressOtherSession = limited.call(args, new TestContext("s2", Optional.of("10.0.0.7"), Optional.empty())).isError();
            assertEquals(identifier != ClientIdentifier.SESSION, sameAddressOtherSession,
                    identifier + ": one address, two sessions");
            assertFalse(limited.call(args, new TestContext("s3", Optional.of("10.0.0.8"), Optional.empty())).isError(),
                    identifier + ": another address and session");
        }
    }
}
