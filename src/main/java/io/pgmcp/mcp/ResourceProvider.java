package io.pgmcp.mcp;

import java.util.List;
import java.util.Optional;

/**
 * A source of MCP resources. Implementations must be thread-safe; the session calls them
 * concurrently from request threads.
 */
public interface ResourceProvider {

    /** @return the concrete resources this provider lists (may be empty, never null) */
    List<ResourceDefinition> resources();

    /** @return the resource templates this provider lists (may be empty, never null) */
    List<ResourceTemplateDefinition> templates();

    /**
     * Reads a resource.
     *
     * @param uri     the URI the client asked for
     * @param context the request's context (cancellation, logging)
     * @return the contents, or empty when this provider does not know {@code uri}; if no provider
     *         knows it the client gets error {@code -32002}
     * @throws JsonRpcException to answer with that specific JSON-RPC error
     * @throws Exception        on any other failure; the client gets a generic {@code -32603}
     */
    Optional<ResourceContents> read(String uri, RequestContext context) throws Exception;

    /**
     * Suggests values for an argument of one of this provider's templates ({@code completion/complete}
     * with a {@code ref/resource}). The default knows no template.
     *
     * @return the suggestions, or empty when this provider does not own {@code request.uriTemplate()}
     *         or it has no such argument; if no provider answers, the client gets {@code -32602}
     * @throws Exception on any failure; the client gets a generic {@code -32603}
     */
    default Optional<Completion> complete(CompletionRequest request, RequestContext context) throws Exception {
        return Optional.empty();
    }
}
