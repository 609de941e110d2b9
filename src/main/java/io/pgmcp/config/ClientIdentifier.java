package io.pgmcp.config;

/** How the rate limiter tells clients apart: the MCP session, the client IP (HTTP only), or automatically. Configured in lower case. */
public enum ClientIdentifier {
    AUTO, SESSION, IP
}
