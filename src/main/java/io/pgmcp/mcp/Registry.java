package io.pgmcp.mcp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The tools and resource providers a server offers, in the order they were added.
 *
 * <p>Thread-safe: built at start-up, then read concurrently by sessions. Each read sees an
 * immutable snapshot. A tool's {@link Tool#definition()} is read once, when it is added.
 *
 * <p>A registry made by {@link #openedLater()} is filled while a session already runs (so that a client's
 * {@code initialize} is answered while the server is still being built): until {@link #open()}, every
 * read waits, so no client ever sees a partial list of tools.
 */
public final class Registry {

    private record Snapshot(Map<String, Tool> tools, List<ToolDefinition> definitions,
            List<ResourceProvider> providers) {}

    /** Resources per {@code resources/list} page, unless a registry is built with another size. */
    public static final int DEFAULT_PAGE_SIZE = 100;

    private final Object writeLock = new Object();
    private volatile Snapshot snapshot = new Snapshot(Map.of(), List.of(), List.of());
    private final int pageSize;
    /** Counted down by {@link #open()}; reads wait for it. */
    private final CountDownLatch opened;

    /** A registry whose {@code resources/list} pages hold {@link #DEFAULT_PAGE_SIZE} resources. */
    public Registry() {
        this(DEFAULT_PAGE_SIZE);
    }

    /**
     * A registry whose reads wait until {@link #open()}: for a server that starts serving before its tools
     * are built.
     */
    public static Registry openedLater() {
        return new Registry(DEFAULT_PAGE_SIZE, new CountDownLatch(1));
    }

    /**
     * @param pageSize resources per {@code resources/list} page
     * @throws IllegalArgumentException if {@code pageSize} is not positive
     */
    public Registry(int pageSize) {
        this(pageSize, new CountDownLatch(0));
    }

    private Registry(int pageSize, CountDownLatch opened) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("page size must be at least 1, not " + pageSize);
        }
        this.pageSize = pageSize;
        this.opened = opened;
    }

    /** Lets the reads waiting for this registry go on, with what was added; idempotent. */
    public void open() {
        opened.countDown();
    }

    /** The current snapshot, once the registry is open; an interrupted wait answers what is there. */
    private Snapshot snapshot() {
        if (opened.getCount() > 0) {
            try {
                opened.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // a cancelled request: it answers nothing anyway
            }
        }
        return snapshot;
    }

    /** @return how many resources one {@code resources/list} page holds */
    public int pageSize() {
        return pageSize;
    }

    /**
     * Adds a tool.
     *
     * @return this registry
     * @throws IllegalArgumentException if a tool of the same name is already registered
     * @throws NullPointerException     if the tool or its definition is null
     */
    public Registry add(Tool tool) {
        Objects.requireNonNull(tool, "tool");
        ToolDefinition definition = Objects.requireNonNull(tool.definition(), "tool definition of " + tool);
        synchronized (writeLock) {
            Snapshot current = snapshot;
            if (current.tools.containsKey(definition.name())) {
                throw new IllegalArgumentException("Duplicate tool name: " + definition.name()
                        + " (registered: " + current.tools.keySet() + ")");
            }
            Map<String, Tool> tools = new LinkedHashMap<>(current.tools);
            tools.put(definition.name(), tool);
            List<ToolDefinition> definitions = new ArrayList<>(current.definitions);
            definitions.add(definition);
            snapshot = new Snapshot(Collections.unmodifiableMap(tools), List.copyOf(definitions),
                    current.providers);
        }
        return this;
    }

    /**
     * Adds a resource provider.
     *
     * @return this registry
     * @throws NullPointerException if the provider is null
     */
    public Registry add(ResourceProvider provider) {
        Objects.requireNonNull(provider, "provider");
        synchronized (writeLock) {
            Snapshot current = snapshot;
            List<ResourceProvider> providers = new ArrayList<>(current.providers);
            providers.add(provider);
            snapshot = new Snapshot(current.tools, current.definitions, List.copyOf(providers));
        }
        return this;
    }

    /** @return the tools, in registration order */
    public List<Tool> tools() {
        return List.copyOf(snapshot().tools.values());
    }

    /** @return the tools' definitions, in registration order */
    public List<ToolDefinition> toolDefinitions() {
        return snapshot().definitions;
    }

    /** @return the tool named {@code name}, if registered */
    public Optional<Tool> tool(String name) {
        return Optional.ofNullable(snapshot().tools.get(name));
    }

    /** @return the resource providers, in registration order */
    public List<ResourceProvider> resourceProviders() {
        return snapshot().providers;
    }
}
