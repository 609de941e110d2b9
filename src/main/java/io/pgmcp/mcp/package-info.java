/**
 * The Model Context Protocol server core: JSON-RPC 2.0 framing, the MCP handshake, method dispatch,
 * cancellation, progress and logging notifications, and the transports that carry them.
 *
 * <p>This package knows nothing about databases or SQL. Other packages plug in through {@link
 * io.pgmcp.mcp.Tool} and {@link io.pgmcp.mcp.ResourceProvider}, registered in a {@link
 * io.pgmcp.mcp.Registry}; an {@link io.pgmcp.mcp.McpSession} serves one client connection and a
 * transport such as {@link io.pgmcp.mcp.StdioTransport} moves its messages.
 */
package io.pgmcp.mcp;
