package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Optional;

/**
 * The HTTP headers a modern Streamable HTTP POST mirrors from its body ({@code MCP-Protocol-Version},
 * {@code Mcp-Method}, {@code Mcp-Name}), so that a proxy can route on them. The server must refuse a
 * request whose headers say something else than its body (a balancer may have routed or rate-limited
 * it by the header while we would run the body): that is {@code -32020}. On stdio there are no headers
 * ({@link #NONE}) and nothing is checked.
 *
 * @param present         whether the message came with HTTP headers at all (false on stdio)
 * @param protocolVersion {@code MCP-Protocol-Version}, or null when absent
 * @param method          {@code Mcp-Method}, or null when absent
 * @param name            {@code Mcp-Name} as sent (possibly {@code =?base64?...?=}), or null when absent
 */
record MirroredHeaders(boolean present, String protocolVersion, String method, String name) {

    /** stdio: no headers, nothing to check. */
    static final MirroredHeaders NONE = new MirroredHeaders(false, null, null, null);

    private static final String SENTINEL_PREFIX = "=?base64?";
    private static final String SENTINEL_SUFFIX = "?=";

    static MirroredHeaders of(String protocolVersion, String method, String name) {
        return new MirroredHeaders(true, strip(protocolVersion), strip(method), name == null ? null : name.strip());
    }

    /** @return whether {@code MCP-Protocol-Version} names a modern revision: the request must then carry an envelope */
    boolean claimsModern() {
        return protocolVersion != null
                && ProtocolVersion.fromWireName(protocolVersion).map(ProtocolVersion::isModern).orElse(false);
    }

    /**
     * Checks the headers of a modern request against its body.
     *
     * @param version   the revision the body's {@code _meta} names
     * @param nameField the body field {@code Mcp-Name} mirrors for this method ({@code params.name} or
     *                  {@code params.uri}), or null when the method has none
     * @throws JsonRpcException {@code -32020} naming the header that is missing, malformed or different
     */
    void verify(String bodyMethod, JsonNode params, ProtocolVersion version, String nameField) throws JsonRpcException {
        if (!present) {
            return;
        }
        if (protocolVersion == null) {
            throw JsonRpcException.headerMismatch("Header mismatch: MCP-Protocol-Version header is required");
        }
        if (!protocolVersion.equals(version.wireName())) {
            throw JsonRpcException.headerMismatch("Header mismatch: MCP-Protocol-Version header value '"
                    + JsonRpc.abbreviate(protocolVersion) + "' does not match body value '" + version.wireName() + "'");
        }
        if (method == null) {
            throw JsonRpcException.headerMismatch("Header mismatch: Mcp-Method header is required");
        }
        if (!method.equals(bodyMethod)) {
            throw JsonRpcException
                    .headerMismatch("Header mismatch: Mcp-Method header value '" + JsonRpc.abbreviate(method)
                            + "' does not match body value '" + JsonRpc.abbreviate(bodyMethod) + "'");
        }
        JsonNode bodyName = nameField == null ? null : params.get(nameField);
        if (bodyName == null || !bodyName.isTextual()) {
            return; // no name to mirror, or a malformed one the method itself refuses (-32602)
        }
        if (name == null) {
            throw JsonRpcException.headerMismatch("Header mismatch: Mcp-Name header is required for " + bodyMethod);
        }
        String decoded = decode(name).orElseThrow(() -> JsonRpcException.headerMismatch(
                "Header mismatch: Mcp-Name header value is not valid =?base64?...?= encoding"));
        if (!decoded.equals(bodyName.textValue())) {
            throw JsonRpcException
                    .headerMismatch("Header mismatch: Mcp-Name header value '" + JsonRpc.abbreviate(decoded)
                            + "' does not match body value '" + JsonRpc.abbreviate(bodyName.textValue()) + "'");
        }
    }

    /** @return the value, decoded from {@code =?base64?...?=} (UTF-8) if it is so encoded; empty if that encoding is broken */
    static Optional<String> decode(String value) {
        if (!value.startsWith(SENTINEL_PREFIX) || !value.endsWith(SENTINEL_SUFFIX)
                || value.length() < SENTINEL_PREFIX.length() + SENTINEL_SUFFIX.length()) {
            return Optional.of(value);
        }
        String encoded = value.substring(SENTINEL_PREFIX.length(), value.length() - SENTINEL_SUFFIX.length());
        try {
            byte[] bytes = Base64.getDecoder().decode(encoded);
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static String strip(String value) {
        return value == null ? null : value.strip();
    }
}
