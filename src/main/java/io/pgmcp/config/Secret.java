package io.pgmcp.config;

import java.util.Objects;

/**
 * A password, API key or token. {@link #toString()} never shows the value, so a secret can sit in any
 * record, log line or exception message without leaking; code that really needs the value calls
 * {@link #reveal()}, which makes every such place easy to find.
 */
public record Secret(String value) {
    public Secret {
        Objects.requireNonNull(value, "value");
    }

    /** The secret itself: pass it to the driver or HTTP header, never to a log or message. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }
}
