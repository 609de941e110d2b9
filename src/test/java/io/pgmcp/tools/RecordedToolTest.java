package io.pgmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.audit.AuditLog;
import io.pgmcp.config.ClientIdentifier;
import io.pgmcp.config.RateLimitConfig;
import io.pgmcp.config.RateLimitStrategy;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.observability.Metrics;
import io.pgmcp.observability.Telemetry;
import io.pgmcp.testing.FakeTicker;
import io.pgmcp.resilience.RateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecordedToolTest {
    static final CallRecorder RECORDER = new CallRecorder(Telemetry.metricsOnly(new Metrics("dev", List.of())),
            AuditLog.disabled(),
            Set.of("main"), new FakeTicker(), Clock.systemUTC());

    /** Counts its calls; each answers a success. */
    static StubTool counting(AtomicInteger calls) {
        return new StubTool("counting", args -> {
            calls.incrementAndGet();
            return ToolOutcome.Answered.schema(JsonNodeFactory.instance.objectNode().put("success", true), null);
        });
    }

    @Test
    void aClientOverItsLimitIsToldHowLongToWaitAndTheToolDoesNotRun() throws Exception {
        RateLimitConfig d = RateLimitConfig.defaults();
        RateLimitConfig config = new RateLimitConfig(true, 100, 1000, 2, d.clientIdentifier(), d.tokensPerMinute(),
                d.tokensPerHour(),
                RateLimitStrategy.REJECT, d.maxQueueWait(), d.includeHeaders(), false);
        FakeTicker ticker = new FakeTicker();
        AtomicInteger calls = new AtomicInteger();
        RecordedTool limited = new RecordedTool(counting(calls), RECORDER,
                Optional.of(new RateLimiter(config, ticker)));
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
        assertEquals(2, calls.get(), "the refused call never reached the tool");
        ticker.advance(Duration.ofSeconds(61));
        assertFalse(limited.call(args, new TestContext()).isError(), "a new window admits again");
    }

    @Test
    void httpClientsAreKeyedByAddressOrSessionAsClientIdentifierSays() throws Exception {
        RateLimitConfig d = RateLimitConfig.defaults();
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        for (ClientIdentifier identifier : ClientIdentifier.values()) {
            RateLimitConfig config = new RateLimitConfig(true, 100, 1000, 1, identifier, d.tokensPerMinute(),
                    d.tokensPerHour(),
                    RateLimitStrategy.REJECT, d.maxQueueWait(), d.includeHeaders(), false);
            RecordedTool limited = new RecordedTool(counting(new AtomicInteger()), RECORDER,
                    Optional.of(new RateLimiter(config, new FakeTicker())));
            assertFalse(limited.call(args, new TestContext("s1", Optional.of("10.0.0.7"), Optional.empty())).isError());
            boolean sameAddressOtherSession = limited
                    .call(args, new TestContext("s2", Optional.of("10.0.0.7"), Optional.empty())).isError();
            assertEquals(identifier != ClientIdentifier.SESSION, sameAddressOtherSession,
                    identifier + ": one address, two sessions");
            assertFalse(limited.call(args, new TestContext("s3", Optional.of("10.0.0.8"), Optional.empty())).isError(),
                    identifier + ": another address and session");
        }
    }

    @Test
    void withoutALimiterEveryCallRuns() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        RecordedTool tool = new RecordedTool(counting(calls), RECORDER);
        for (int i = 0; i < 50; i++) {
            assertFalse(tool.call(JsonNodeFactory.instance.objectNode(), new TestContext()).isError());
        }
        assertEquals(50, calls.get());
        assertEquals("counting", tool.definition().name());
    }
}
