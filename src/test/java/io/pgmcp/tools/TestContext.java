package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.mcp.ClientInfo;
import io.pgmcp.mcp.LogLevel;
import io.pgmcp.mcp.RequestContext;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A request context for calling tools directly in tests: records progress messages, never cancelled. */
public final class TestContext implements RequestContext {
    final List<String> progress = new CopyOnWriteArrayList<>();
    private final ObjectNode meta;
    private final String sessionId;
    private final Optional<String> remoteAddress;
    private final Optional<String> userAgent;
    private final Optional<String> principal;

    public TestContext() {
        this(JsonNodeFactory.instance.objectNode());
    }

    /** @param meta the request's {@code params._meta} */
    public TestContext(ObjectNode meta) {
        this(meta, "test", Optional.empty(), Optional.empty());
    }

    /** A request from an HTTP client. */
    TestContext(String sessionId, Optional<String> remoteAddress, Optional<String> userAgent) {
        this(JsonNodeFactory.instance.objectNode(), sessionId, remoteAddress, userAgent);
    }

    private TestContext(ObjectNode meta, String sessionId, Optional<String> remoteAddress, Optional<String> userAgent) {
        this(meta, sessionId, remoteAddress, userAgent, Optional.empty());
    }

    private TestContext(ObjectNode meta, String sessionId, Optional<String> remoteAddress, Optional<String> userAgent,
            Optional<String> principal) {
        this.meta = meta;
        this.sessionId = sessionId;
        this.remoteAddress = remoteAddress;
        this.userAgent = userAgent;
        this.principal = principal;
    }

    /** A request of an authenticated HTTP caller. */
    static TestContext of(String principal) {
        return new TestContext(JsonNodeFactory.instance.objectNode(), "s-1", Optional.of("10.0.0.7"),
                Optional.empty(), Optional.of(principal));
    }

    @Override
    public Optional<String> principal() {
        return principal;
    }

    @Override
    public Optional<String> remoteAddress() {
        return remoteAddress;
    }

    @Override
    public Optional<String> userAgent() {
        return userAgent;
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public String protocolVersion() {
        return "2025-06-18";
    }

    @Override
    public Optional<ClientInfo> clientInfo() {
        return Optional.empty();
    }

    @Override
    public ObjectNode meta() {
        return meta.deepCopy();
    }

    @Override
    public void progress(double value, Double total, String message) {
        progress.add(message);
    }

    @Override
    public void log(LogLevel level, String logger, String message) {}

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public void onCancel(Runnable hook) {}
}
