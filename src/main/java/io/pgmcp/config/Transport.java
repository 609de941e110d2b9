package io.pgmcp.config;

/** How MCP messages reach the server: stdio (default) or Streamable HTTP. Configured in lower case. */
public enum Transport {
    STDIO, HTTP
}
