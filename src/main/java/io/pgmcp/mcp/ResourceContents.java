package io.pgmcp.mcp;

/**
 * The text of a resource, as returned by {@code resources/read}.
 *
 * @param uri      the URI that was read; not blank
 * @param mimeType its MIME type, or {@code null}
 * @param text     the content; never null
 */
public record ResourceContents(String uri, String mimeType, String text) {
    /** @throws IllegalArgumentException if {@code uri} is blank or {@code text} is null */
    public ResourceContents {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("resource contents need a uri: " + uri);
        }
        if (text == null) {
            throw new IllegalArgumentException("resource contents of " + uri + " need a text");
        }
    }
}
