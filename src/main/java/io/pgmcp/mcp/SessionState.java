package io.pgmcp.mcp;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** The per-connection state the handshake and {@code logging/setLevel} establish. Thread-safe. */
final class SessionState {

    /** What {@code initialize} negotiated. */
    record Handshake(ProtocolVersion version, Optional<ClientInfo> clientInfo) {}

    private final String sessionId;
    private final AtomicReference<Handshake> handshake = new AtomicReference<>();
    private volatile boolean clientInitialized;
    private volatile LogLevel logLevel = LogLevel.WARNING;

    SessionState(String sessionId) {
        this.sessionId = sessionId;
    }

    String sessionId() {
        return sessionId;
    }

    /** @return false if the session was already initialized (the handshake is then unchanged) */
    boolean initialize(Handshake negotiated) {
        return handshake.compareAndSet(null, negotiated);
    }

    /** @return the handshake, empty before {@code initialize} was answered */
    Optional<Handshake> handshake() {
        return Optional.ofNullable(handshake.get());
    }

    Optional<ProtocolVersion> protocolVersion() {
        return handshake().map(Handshake::version);
    }

    void clientInitialized() {
        clientInitialized = true;
    }

    /** @return whether the client sent {@code notifications/initialized} */
    boolean isClientInitialized() {
        return clientInitialized;
    }

    LogLevel logLevel() {
        return logLevel;
    }

    void logLevel(LogLevel level) {
        logLevel = level;
    }
}
