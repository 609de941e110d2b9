package io.pgmcp.mcp;

/**
 * A concrete resource as listed by {@code resources/list}.
 *
 * @param uri         the resource's URI; not blank
 * @param name        its name; not blank
 * @param title       a human-readable title, or {@code null}
 * @param description what it contains, or {@code null}
 * @param mimeType    its MIME type, or {@code null}
 */
public record ResourceDefinition(String uri, String name, String title, String description, String mimeType) {
    /** @throws IllegalArgumentException if {@code uri} or {@code name} is null or blank */
    public ResourceDefinition {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("resource uri must not be blank: " + uri);
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("resource " + uri + " needs a name");
        }
    }
}
