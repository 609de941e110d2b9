package io.pgmcp.mcp;

import io.pgmcp.auth.Principal;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * What the HTTP transport may build for a caller: the view of the server its principal may see (its
 * databases, tables and tools), as a factory of sessions. Thread-safe.
 */
@FunctionalInterface
public interface CallerSessions {

    /**
     * @param principal the caller as its credentials proved it; empty on an endpoint without authentication
     * @return the caller's view; empty when it may use nothing here (answered 403)
     */
    Optional<View> forCaller(Optional<Principal> principal);

    /**
     * One view of the server.
     *
     * @param name    tells views apart: a session made in one view answers only in that one (a caller whose
     *                view changed, say its groups did, starts a new session)
     * @param factory builds a session from its id and its sink for server-initiated messages
     */
    record View(String name, BiFunction<String, MessageSink, McpSession> factory) {
        public View {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(factory, "factory");
        }
    }

    /** Every caller sees the same server. */
    static CallerSessions everyone(BiFunction<String, MessageSink, McpSession> factory) {
        Optional<View> view = Optional.of(new View("", factory));
        return principal -> view;
    }
}
