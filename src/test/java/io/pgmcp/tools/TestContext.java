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

    public TestContext() {
        this(JsonNodeFactory.instance.objectNode());
    }

    /** @param meta the request's {@code params._meta} */
    public TestContext(ObjectNode meta) {
        this.meta = meta;
    }

    @Override
    public String sessionId() {
        return "test";
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
    public void log(LogLevel level, String logger, String message) {
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public void onCancel(Runnable hook) {
    }
}
