package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * What a tool or resource provider may know and do about the request it is serving.
 *
 * <p>Thread-safe. Valid while the request runs: once it is answered or cancelled, {@link #progress}
 * and {@link #log} do nothing. None of the methods throws because of the transport; a broken
 * channel only loses the notification.
 */
public interface RequestContext {

    /**
     * @return the id of the session (client connection) the request arrived on; for a stateless
     *     (2026-07-28) request on HTTP, which has no session, an id of the caller: its bearer token's id,
     *     or its address without tokens
     */
    String sessionId();

    /** @return the request's protocol version: the one {@code initialize} negotiated, or the one its {@code _meta} names */
    String protocolVersion();

    /** @return what the client said about itself in {@code initialize} or in the request's {@code _meta}, if anything */
    Optional<ClientInfo> clientInfo();

    /** @return the client's IP address on HTTP; empty on stdio */
    default Optional<String> remoteAddress() {
        return Optional.empty();
    }

    /** @return the HTTP {@code User-Agent} the request came with; empty on stdio or when absent */
    default Optional<String> userAgent() {
        return Optional.empty();
    }

    /**
     * @return the authenticated caller's name on HTTP (a bearer token's name, an OAuth principal); empty on
     *     stdio and on an endpoint without authentication
     */
    default Optional<String> principal() {
        return Optional.empty();
    }

    /** @return a copy of the request's {@code params._meta} (an empty object if there was none) */
    ObjectNode meta();

    /**
     * Sends {@code notifications/progress} if the request carried {@code _meta.progressToken};
     * otherwise does nothing. Progress must increase: a value not greater than the last one sent,
     * or not finite, is ignored.
     *
     * @param progress the progress so far
     * @param total    the total, or {@code null} if unknown
     * @param message  a human-readable stage description, or {@code null}
     */
    void progress(double progress, Double total, String message);

    /**
     * Sends {@code notifications/message} if {@code level} is at or above the session's level
     * (set by {@code logging/setLevel}; {@code warning} by default) or, for a stateless request, the
     * level its {@code _meta} asks for (none without one).
     *
     * @param logger  the logger name, or {@code null}
     * @param message the text; never null
     */
    void log(LogLevel level, String logger, String message);

    /** @return whether the client (or the session's shutdown) cancelled this request */
    boolean isCancelled();

    /**
     * Registers work to do when the request is cancelled, such as cancelling a running statement.
     * The hook runs at most once: on another thread when the request is cancelled, or at once on
     * the caller's thread if it already was. It never runs if the request completes normally. Hooks
     * should return promptly; exceptions they throw are logged and ignored.
     */
    void onCancel(Runnable hook);
}
