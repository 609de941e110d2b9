package io.pgmcp.config;

/** Log line format on stderr. Configured in lower case. */
public enum LogFormat {
    JSON, CONSOLE
}
