package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The MCP methods this server implements, from decoded params to a result object, for both eras: one
 * {@link Route} per method says in which era it is served, which body field an HTTP {@code Mcp-Name}
 * header mirrors, and how its modern result may be cached. Stateless apart from the shared
 * {@link SessionState}; thread-safe.
 */
final class ServerMethods {

    private static final System.Logger logger = System.getLogger(ServerMethods.class.getName());

    private static final String LEVELS = Arrays.stream(LogLevel.values())
            .map(LogLevel::wireName).collect(Collectors.joining(", "));

    /** The protocol eras a method is served in. */
    enum Eras {
        /** only in an {@code initialize}d session (2025 revisions) */
        LEGACY,
        /** only as a stateless request with a {@code _meta} envelope (2026-07-28 on) */
        MODERN,
        /** in both */
        BOTH;

        boolean legacy() {
            return this != MODERN;
        }

        boolean modern() {
            return this != LEGACY;
        }
    }

    /** The caching hints a modern result of a method carries (see {@link CacheHints}). */
    enum Caching {
        /** none: the result is not cacheable */
        NONE,
        /** what the server is: public, {@link CacheHints#serverTtl} */
        SERVER,
        /** what the databases hold: {@link CacheHints#catalogTtl}, private where callers are told apart */
        CATALOG
    }

    /** Runs one method. */
    @FunctionalInterface
    interface Handler {
        ObjectNode handle(ObjectNode params, InFlightRequest request) throws Exception;
    }

    /**
     * One method this server answers.
     *
     * @param nameField the params field an HTTP {@code Mcp-Name} header must mirror, or null
     * @param requires  client capabilities a modern request must declare (else {@code -32021})
     */
    record Route(String method, Eras eras, String nameField, Caching caching, List<String> requires, Handler handler) {
        Route {
            requires = List.copyOf(requires);
        }

        Route(String method, Eras eras, String nameField, Caching caching, Handler handler) {
            this(method, eras, nameField, caching, List.of(), handler);
        }
    }

    private final ServerInfo server;
    private final Registry registry;
    private final Function<Throwable, ToolResult> toolErrorMapper;
    private final SessionState state;
    private final CacheHints cacheHints;
    private final Map<String, Route> routes;

    ServerMethods(ServerInfo server, Registry registry, Function<Throwable, ToolResult> toolErrorMapper,
            SessionState state, CacheHints cacheHints) {
        this.server = server;
        this.registry = registry;
        this.toolErrorMapper = toolErrorMapper;
        this.state = state;
        this.cacheHints = cacheHints;
        // A new method is one line here.
        this.routes = routes(
                new Route("ping", Eras.LEGACY, null, Caching.NONE, (params, request) -> JsonRpc.object()),
                new Route("logging/setLevel", Eras.LEGACY, null, Caching.NONE, (params, request) -> setLevel(params)),
                new Route("server/discover", Eras.MODERN, null, Caching.SERVER, (params, request) -> discover()),
                new Route("tools/list", Eras.BOTH, null, Caching.SERVER, (params, request) -> toolsList()),
                new Route("tools/call", Eras.BOTH, "name", Caching.NONE, this::toolsCall),
                new Route("resources/list", Eras.BOTH, null, Caching.CATALOG,
                        (params, request) -> resourcesList(params)),
                new Route("resources/templates/list", Eras.BOTH, null, Caching.CATALOG,
                        (params, request) -> templatesList()),
                new Route("resources/read", Eras.BOTH, "uri", Caching.CATALOG, this::resourcesRead),
                new Route("completion/complete", Eras.BOTH, null, Caching.NONE, this::complete));
    }

    private static Map<String, Route> routes(Route... routes) {
        Map<String, Route> byMethod = new LinkedHashMap<>();
        for (Route route : routes) {
            if (byMethod.put(route.method(), route) != null) {
                throw new IllegalStateException("two routes for " + route.method());
            }
        }
        return Map.copyOf(byMethod);
    }

    /**
     * Performs the handshake.
     *
     * @throws JsonRpcException {@code -32600} if the session is already initialized, {@code -32602}
     *                          if {@code protocolVersion} is missing or not a string
     */
    ObjectNode initialize(ObjectNode params) throws JsonRpcException {
        if (state.handshake().isPresent()) {
            throw JsonRpcException.invalidRequest("Invalid Request: the session is already initialized");
        }
        JsonNode requested = params.get("protocolVersion");
        if (requested == null || !requested.isTextual()) {
            throw JsonRpcException.invalidParams("Invalid params: protocolVersion must be a string");
        }
        // A modern revision has no handshake: a client asking initialize for one gets the newest that has.
        ProtocolVersion version = ProtocolVersion.fromWireName(requested.textValue())
                .filter(v -> !v.isModern()).orElse(ProtocolVersion.LATEST);
        if (!state.initialize(new SessionState.Handshake(version, clientInfo(params.get("clientInfo"))))) {
            throw JsonRpcException.invalidRequest("Invalid Request: the session is already initialized");
        }
        logger.log(Level.DEBUG, () -> "Session " + state.sessionId() + " initialized: client asked for "
                + JsonRpc.abbreviate(requested.textValue()) + ", speaking " + version.wireName());
        return WireFormat.initializeResult(version, server);
    }

    /**
     * @return the method's route if it is served in the given era
     * @throws JsonRpcException {@code -32601} if it is not
     */
    Route route(String method, boolean modern) throws JsonRpcException {
        Route route = routes.get(method);
        if (route == null || !(modern ? route.eras().modern() : route.eras().legacy())) {
            throw new JsonRpcException(JsonRpcException.METHOD_NOT_FOUND,
                    "Method not found: " + JsonRpc.abbreviate(method)
                            + (route != null
                                    ? modern
                                            ? " (not part of protocol revision 2026-07-28 and later)"
                                            : " (protocol revision 2026-07-28 and later only: send the _meta envelope)"
                                    : ""));
        }
        return route;
    }

    /** @return whether {@code method} is served only to modern requests (such as {@code server/discover}) */
    boolean isModernOnly(String method) {
        Route route = routes.get(method);
        return route != null && route.eras() == Eras.MODERN;
    }

    /** @return the params field an HTTP {@code Mcp-Name} header mirrors for {@code method}, or null */
    String nameField(String method) {
        Route route = routes.get(method);
        return route == null ? null : route.nameField();
    }

    /**
     * Runs any method but {@code initialize}; a modern request's result gets {@code resultType}, the
     * server's identity in {@code _meta}, and the route's caching hints.
     *
     * @throws JsonRpcException the error to answer with
     * @throws Exception        from a resource provider; the session answers {@code -32603}
     */
    ObjectNode call(String method, ObjectNode params, InFlightRequest context) throws Exception {
        Route route = route(method, context.isModern());
        ObjectNode result = route.handler().handle(params, context);
        return context.isModern() ? modernResult(route, result) : result;
    }

    private ObjectNode modernResult(Route route, ObjectNode result) {
        result.put("resultType", "complete");
        switch (route.caching()) {
            case NONE -> {}
            case SERVER -> WireFormat.putCacheHints(result, cacheHints.serverTtl(), false);
            case CATALOG -> WireFormat.putCacheHints(result, cacheHints.catalogTtl(), cacheHints.catalogPrivate());
        }
        JsonNode meta = result.get("_meta");
        ObjectNode resultMeta = meta instanceof ObjectNode object ? object : result.putObject("_meta");
        resultMeta.set(RequestEnvelope.SERVER_INFO_KEY, WireFormat.implementation(server));
        return result;
    }

    private ObjectNode discover() {
        return WireFormat.discoverResult(server);
    }

    private static Optional<ClientInfo> clientInfo(JsonNode info) {
        if (info == null || !info.isObject() || !info.path("name").isTextual()) {
            return Optional.empty();
        }
        JsonNode version = info.get("version");
        return Optional.of(new ClientInfo(info.get("name").textValue(),
                version != null && version.isTextual() ? version.textValue() : null));
    }

    /** Everything fits in one page, in registration order; a {@code cursor} is accepted and ignored. */
    private ObjectNode toolsList() {
        ObjectNode result = JsonRpc.object();
        ArrayNode tools = result.putArray("tools");
        registry.toolDefinitions().forEach(definition -> tools.add(WireFormat.tool(definition)));
        return result;
    }

    private ObjectNode toolsCall(ObjectNode params, InFlightRequest context) throws JsonRpcException {
        JsonNode name = params.get("name");
        if (name == null || !name.isTextual()) {
            throw JsonRpcException.invalidParams("Invalid params: name must be a string");
        }
        Tool tool = registry.tool(name.textValue()).orElseThrow(
                () -> JsonRpcException.invalidParams("Unknown tool: " + JsonRpc.abbreviate(name.textValue())));
        JsonNode arguments = params.get("arguments");
        if (arguments != null && !arguments.isObject()) {
            throw JsonRpcException.invalidParams("Invalid params: arguments must be an object");
        }
        ObjectNode args = arguments == null ? JsonRpc.object() : (ObjectNode) arguments;
        return WireFormat.toolResult(runTool(tool, name.textValue(), args, context));
    }

    /** The one place where a tool's failure becomes a response: a result with isError, never a JSON-RPC error. */
    private ToolResult runTool(Tool tool, String name, ObjectNode arguments, InFlightRequest context) {
        Throwable failure;
        try {
            ToolResult result = tool.call(arguments, context);
            if (result != null) {
                return result;
            }
            failure = new IllegalStateException("tool " + name + " returned no result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (Throwable e) {
            // Errors too (e.g. StackOverflowError in a parser): the client still gets an answer.
            failure = e;
        }
        return mapFailure(name, failure, context);
    }

    private ToolResult mapFailure(String name, Throwable failure, InFlightRequest context) {
        if (context.isCancelled()) {
            // The answer is discarded; the product's mapper need not see a cancellation as a failure.
            logger.log(Level.DEBUG, () -> "Tool " + name + " stopped after cancellation: " + failure);
            return McpSession.genericToolError();
        }
        logger.log(Level.DEBUG, "Tool " + name + " failed", failure);
        try {
            ToolResult mapped = toolErrorMapper.apply(failure);
            if (mapped != null) {
                return mapped;
            }
            logger.log(Level.ERROR, "The tool error mapper returned no result for a failure of tool " + name);
        } catch (RuntimeException e) {
            logger.log(Level.ERROR, "The tool error mapper failed on a failure of tool " + name, e);
        }
        return McpSession.genericToolError();
    }

    /** One page of every provider's resources, in order; {@code nextCursor} while more follow. */
    private ObjectNode resourcesList(ObjectNode params) throws JsonRpcException {
        List<ResourceDefinition> all = new ArrayList<>();
        for (ResourceProvider provider : registry.resourceProviders()) {
            all.addAll(provider.resources());
        }
        int from = ListCursor.decode("resources/list", params.get("cursor"), all.size());
        int to = Math.min(all.size(), from + registry.pageSize());
        ObjectNode result = JsonRpc.object();
        ArrayNode resources = result.putArray("resources");
        all.subList(from, to).forEach(resource -> resources.add(WireFormat.resource(resource)));
        if (to < all.size()) {
            result.put("nextCursor", ListCursor.encode("resources/list", to));
        }
        return result;
    }

    private ObjectNode templatesList() {
        ObjectNode result = JsonRpc.object();
        ArrayNode templates = result.putArray("resourceTemplates");
        for (ResourceProvider provider : registry.resourceProviders()) {
            provider.templates().forEach(template -> templates.add(WireFormat.template(template)));
        }
        return result;
    }

    private ObjectNode resourcesRead(ObjectNode params, InFlightRequest context) throws Exception {
        JsonNode uri = params.get("uri");
        if (uri == null || !uri.isTextual()) {
            throw JsonRpcException.invalidParams("Invalid params: uri must be a string");
        }
        for (ResourceProvider provider : registry.resourceProviders()) {
            Optional<ResourceContents> contents;
            try {
                contents = provider.read(uri.textValue(), context);
            } catch (JsonRpcException e) {
                // a provider's own "not found" (a table that does not exist or may not be read) follows the era's code too
                if (e.code() == JsonRpcException.RESOURCE_NOT_FOUND && context.isModern()) {
                    throw new JsonRpcException(JsonRpcException.INVALID_PARAMS, e.getMessage(), e.data());
                }
                throw e;
            }
            if (contents != null && contents.isPresent()) {
                ObjectNode result = JsonRpc.object();
                result.putArray("contents").add(WireFormat.contents(contents.get()));
                return result;
            }
        }
        ObjectNode data = JsonRpc.object();
        data.put("uri", uri.textValue());
        // 2026-07-28 made an unknown resource invalid params; 2025 clients still get their -32002.
        throw new JsonRpcException(
                context.isModern() ? JsonRpcException.INVALID_PARAMS : JsonRpcException.RESOURCE_NOT_FOUND,
                "Resource not found: " + JsonRpc.abbreviate(uri.textValue()), data);
    }

    /**
     * Completes an argument of a resource template. Prompts have no arguments to complete: this server
     * has none.
     */
    private ObjectNode complete(ObjectNode params, InFlightRequest context) throws Exception {
        JsonNode ref = params.get("ref");
        if (ref == null || !ref.isObject() || !ref.path("type").isTextual()) {
            throw JsonRpcException.invalidParams("Invalid params: ref must be an object with a type");
        }
        String type = ref.get("type").textValue();
        if (type.equals("ref/prompt")) {
            throw JsonRpcException.invalidParams("Invalid params: unknown prompt "
                    + JsonRpc.abbreviate(ref.path("name").asText("")) + " (this server has no prompts)");
        }
        if (!type.equals("ref/resource") || !ref.path("uri").isTextual()) {
            throw JsonRpcException.invalidParams("Invalid params: ref must be {\"type\":\"ref/resource\",\"uri\":...}");
        }
        JsonNode argument = params.get("argument");
        if (argument == null || !argument.isObject() || !argument.path("name").isTextual()
                || !argument.path("value").isTextual()) {
            throw JsonRpcException
                    .invalidParams("Invalid params: argument must be an object with string name and value");
        }
        Map<String, String> filled = new HashMap<>();
        JsonNode arguments = params.path("context").path("arguments");
        arguments.properties().forEach(e -> {
            if (e.getValue().isTextual()) {
                filled.put(e.getKey(), e.getValue().textValue());
            }
        });
        CompletionRequest request = new CompletionRequest(ref.get("uri").textValue(), argument.get("name").textValue(),
                argument.get("value").textValue(), filled);
        for (ResourceProvider provider : registry.resourceProviders()) {
            Optional<Completion> completion = provider.complete(request, context);
            if (completion != null && completion.isPresent()) {
                return WireFormat.completion(completion.get());
            }
        }
        throw JsonRpcException.invalidParams("Invalid params: no argument " + JsonRpc.abbreviate(request.argument())
                + " to complete in resource template " + JsonRpc.abbreviate(request.uriTemplate()));
    }

    private ObjectNode setLevel(ObjectNode params) throws JsonRpcException {
        JsonNode level = params.get("level");
        LogLevel parsed = level != null && level.isTextual()
                ? LogLevel.fromWireName(level.textValue()).orElse(null)
                : null;
        if (parsed == null) {
            throw JsonRpcException.invalidParams("Invalid params: level must be one of " + LEVELS);
        }
        state.logLevel(parsed);
        return JsonRpc.object();
    }
}
