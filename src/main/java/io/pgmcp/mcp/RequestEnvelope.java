package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a modern (stateless, 2026-07-28 and later) request says about itself in {@code params._meta}:
 * its protocol revision, the client's capabilities for this request, and optionally who the client is
 * and which log level it wants. Nothing is remembered between requests: every request brings its own.
 *
 * @param version            the revision the request speaks; always a modern one
 * @param clientInfo         {@code io.modelcontextprotocol/clientInfo}, if sent
 * @param clientCapabilities {@code io.modelcontextprotocol/clientCapabilities}; owned, not shared
 * @param logLevel           {@code io.modelcontextprotocol/logLevel}; empty means no log notifications
 */
record RequestEnvelope(ProtocolVersion version, Optional<ClientInfo> clientInfo, ObjectNode clientCapabilities,
        Optional<LogLevel> logLevel) {

    static final String VERSION_KEY = "io.modelcontextprotocol/protocolVersion";
    static final String CLIENT_INFO_KEY = "io.modelcontextprotocol/clientInfo";
    static final String CAPABILITIES_KEY = "io.modelcontextprotocol/clientCapabilities";
    static final String LOG_LEVEL_KEY = "io.modelcontextprotocol/logLevel";
    static final String SERVER_INFO_KEY = "io.modelcontextprotocol/serverInfo";

    private static final String LEVELS = Arrays.stream(LogLevel.values())
            .map(LogLevel::wireName).collect(Collectors.joining(", "));

    RequestEnvelope {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(clientInfo, "clientInfo");
        Objects.requireNonNull(clientCapabilities, "clientCapabilities");
        Objects.requireNonNull(logLevel, "logLevel");
        if (!version.isModern()) {
            throw new IllegalArgumentException("a request envelope names a modern revision, not " + version.wireName());
        }
    }

    /** @return whether {@code params._meta} names a per-request protocol version: the request is modern-era */
    static boolean claimsVersion(ObjectNode params) {
        return params.path("_meta").has(VERSION_KEY);
    }

    /**
     * Reads the revision a request names, the first thing checked: a server must answer a revision it
     * does not speak before anything else.
     *
     * @throws JsonRpcException {@code -32602} if the key is missing or not a string; {@code -32022}
     *                          (data: supported, requested) for a revision we do not speak;
     *                          {@code -32600} for a legacy revision, which is spoken only after
     *                          {@code initialize}
     */
    static ProtocolVersion requestedVersion(ObjectNode params) throws JsonRpcException {
        JsonNode requested = params.path("_meta").get(VERSION_KEY);
        if (requested == null) {
            throw JsonRpcException.invalidParams("Invalid params: _meta." + VERSION_KEY
                    + " is required (protocol revision 2026-07-28 and later; or send initialize for 2025 revisions)");
        }
        if (!requested.isTextual()) {
            throw JsonRpcException.invalidParams("Invalid params: _meta." + VERSION_KEY + " must be a string");
        }
        Optional<ProtocolVersion> version = ProtocolVersion.fromWireName(requested.textValue());
        if (version.isEmpty()) {
            throw JsonRpcException.unsupportedVersion(requested.textValue());
        }
        if (!version.get().isModern()) {
            throw JsonRpcException.invalidRequest("Invalid Request: protocol version " + version.get().wireName()
                    + " is served after the initialize handshake; per-request _meta needs "
                    + ProtocolVersion.NEWEST.wireName() + " or later");
        }
        return version.get();
    }

    /**
     * Reads the whole envelope of a request whose revision {@link #requestedVersion} accepted.
     *
     * @throws JsonRpcException {@code -32602} naming the missing or malformed key
     */
    static RequestEnvelope of(ObjectNode params, ProtocolVersion version) throws JsonRpcException {
        JsonNode meta = params.path("_meta");
        JsonNode capabilities = meta.get(CAPABILITIES_KEY);
        if (capabilities == null) {
            throw JsonRpcException.invalidParams("Invalid params: _meta." + CAPABILITIES_KEY
                    + " is required (an empty object declares no optional capability)");
        }
        if (!capabilities.isObject()) {
            throw JsonRpcException.invalidParams("Invalid params: _meta." + CAPABILITIES_KEY + " must be an object");
        }
        return new RequestEnvelope(version, clientInfo(meta.get(CLIENT_INFO_KEY)),
                ((ObjectNode) capabilities).deepCopy(), logLevel(meta.get(LOG_LEVEL_KEY)));
    }

    /**
     * @param required capability names (top-level keys of {@code ClientCapabilities}, e.g. {@code "elicitation"})
     * @throws JsonRpcException {@code -32021} whose {@code data.requiredCapabilities} lists the missing ones
     */
    void require(java.util.List<String> required) throws JsonRpcException {
        ObjectNode missing = JsonRpc.object();
        for (String capability : required) {
            if (!clientCapabilities.path(capability).isObject()) {
                missing.putObject(capability);
            }
        }
        if (!missing.isEmpty()) {
            throw JsonRpcException.missingClientCapability(missing);
        }
    }

    private static Optional<ClientInfo> clientInfo(JsonNode info) throws JsonRpcException {
        if (info == null) {
            return Optional.empty();
        }
        if (!info.isObject() || !info.path("name").isTextual()
                || info.has("version") && !info.get("version").isTextual()) {
            throw JsonRpcException.invalidParams("Invalid params: _meta." + CLIENT_INFO_KEY
                    + " must be an object with a string name and version");
        }
        JsonNode version = info.get("version");
        return Optional.of(new ClientInfo(info.get("name").textValue(), version == null ? null : version.textValue()));
    }

    private static Optional<LogLevel> logLevel(JsonNode level) throws JsonRpcException {
        if (level == null) {
            return Optional.empty();
        }
        Optional<LogLevel> parsed = level.isTextual() ? LogLevel.fromWireName(level.textValue()) : Optional.empty();
        if (parsed.isEmpty()) {
            throw JsonRpcException
                    .invalidParams("Invalid params: _meta." + LOG_LEVEL_KEY + " must be one of " + LEVELS);
        }
        return parsed;
    }
}
