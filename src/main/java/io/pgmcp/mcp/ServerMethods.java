package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The MCP methods this server implements, from decoded params to a result object. Stateless apart
 * from the shared {@link SessionState}; thread-safe.
 */
final class ServerMethods {

    private static final System.Logger logger = System.getLogger(ServerMethods.class.getName());

    private static final String LEVELS = Arrays.stream(LogLevel.values())
            .map(LogLevel::wireName).collect(Collectors.joining(", "));

    private final ServerInfo server;
    private final Registry registry;
    private final Function<Throwable, ToolResult> toolErrorMapper;
    private final SessionState state;

    ServerMethods(ServerInfo server, Registry registry, Function<Throwable, ToolResult> toolErrorMapper,
                  SessionState state) {
        this.server = server;
        this.registry = registry;
        this.toolErrorMapper = toolErrorMapper;
        this.state = state;
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
        ProtocolVersion version = ProtocolVersion.fromWireName(requested.textValue()).orElse(ProtocolVersion.LATEST);
        if (!state.initialize(new SessionState.Handshake(version, clientInfo(params.get("clientInfo"))))) {
            throw JsonRpcException.invalidRequest("Invalid Request: the session is already initialized");
        }
        logger.log(Level.DEBUG, () -> "Session " + state.sessionId() + " initialized: client asked for "
                + JsonRpc.abbreviate(requested.textValue()) + ", speaking " + version.wireName());
        return WireFormat.initializeResult(version, server);
    }

    /**
     * Runs any method but {@code initialize}.
     *
     * @throws JsonRpcException the error to answer with
     * @throws Exception        from a resource provider; the session answers {@code -32603}
     */
    ObjectNode call(String method, ObjectNode params, InFlightRequest context) throws Exception {
        return switch (method) {
            case "ping" -> JsonRpc.object();
            case "tools/list" -> toolsList();
            case "tools/call" -> toolsCall(params, context);
            case "resources/list" -> resourcesList(params);
            case "resources/templates/list" -> templatesList();
            case "resources/read" -> resourcesRead(params, context);
            case "completion/complete" -> complete(params, context);
            case "logging/setLevel" -> setLevel(params);
            default -> throw new JsonRpcException(JsonRpcException.METHOD_NOT_FOUND,
                    "Method not found: " + JsonRpc.abbreviate(method));
        };
    }

    private static Optional<ClientInfo> clientInfo(JsonNode info) {
        if (info == null || !info.isObject() || !info.path("name").isTextual()) {
            return Optional.empty();
        }
        JsonNode version = info.get("version");
        return Optional.of(new ClientInfo(info.get("name").textValue(),
                version != null && version.isTextual() ? version.textValue() : null));
    }

    /** Everything fits in one page; a {@code cursor} is accepted and ignored. */
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
        Tool tool = registry.tool(name.textValue()).orElseThrow(() ->
                JsonRpcException.invalidParams("Unknown tool: " + JsonRpc.abbreviate(name.textValue())));
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
            Optional<ResourceContents> contents = provider.read(uri.textValue(), context);
            if (contents != null && contents.isPresent()) {
                ObjectNode result = JsonRpc.object();
                result.putArray("contents").add(WireFormat.contents(contents.get()));
                return result;
            }
        }
        ObjectNode data = JsonRpc.object();
        data.put("uri", uri.textValue());
        throw new JsonRpcException(JsonRpcException.RESOURCE_NOT_FOUND,
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
        if (argument == null || !argument.isObject() || !argument.path("name").isTextual() || !argument.path("value").isTextual()) {
            throw JsonRpcException.invalidParams("Invalid params: argument must be an object with string name and value");
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
                ? LogLevel.fromWireName(level.textValue()).orElse(null) : null;
        if (parsed == null) {
            throw JsonRpcException.invalidParams("Invalid params: level must be one of " + LEVELS);
        }
        state.logLevel(parsed);
        return JsonRpc.object();
    }
}
