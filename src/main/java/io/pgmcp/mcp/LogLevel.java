package io.pgmcp.mcp;

import java.util.Locale;
import java.util.Optional;

/** The MCP (syslog) logging levels, least severe first; on the wire they are lower-case. */
public enum LogLevel {
    DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL, ALERT, EMERGENCY;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** @return the lower-case name used on the wire, e.g. {@code "warning"} */
    public String wireName() {
        return wireName;
    }

    /** @return the level whose wire name is exactly {@code name}, or empty */
    public static Optional<LogLevel> fromWireName(String name) {
        for (LogLevel level : values()) {
            if (level.wireName.equals(name)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }
}
