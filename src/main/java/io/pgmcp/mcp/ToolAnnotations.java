package io.pgmcp.mcp;

/**
 * Hints about a tool's behaviour, sent in {@code tools/list}. Every hint is optional: a
 * {@code null} hint is omitted on the wire, and clients then assume the protocol's default.
 *
 * @param readOnlyHint    the tool does not modify its environment
 * @param destructiveHint the tool may perform destructive updates (meaningful only if not read-only)
 * @param idempotentHint  repeating a call with the same arguments has no additional effect
 * @param openWorldHint   the tool interacts with an open world of external entities
 */
public record ToolAnnotations(Boolean readOnlyHint, Boolean destructiveHint, Boolean idempotentHint,
        Boolean openWorldHint) {}
