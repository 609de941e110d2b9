package io.pgmcp.mcp;

import java.util.Map;

/**
 * A {@code completion/complete} request for an argument of a resource template
 * ({@code ref/resource}).
 *
 * @param uriTemplate the template the client is filling in, e.g. {@code schema://{database}/{table}}
 * @param argument    the name of the argument being completed, e.g. {@code table}
 * @param value       what the user has typed so far (possibly empty)
 * @param context     the template's arguments already filled in ({@code context.arguments}); may be empty
 */
public record CompletionRequest(String uriTemplate, String argument, String value, Map<String, String> context) {
    /** @throws IllegalArgumentException if the template or argument is null, or value is null */
    public CompletionRequest {
        if (uriTemplate == null || argument == null || value == null) {
            throw new IllegalArgumentException("a completion request needs a template, an argument and a value");
        }
        context = Map.copyOf(context);
    }
}
