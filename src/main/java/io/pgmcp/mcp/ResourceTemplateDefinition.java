package io.pgmcp.mcp;

/**
 * A parameterised resource as listed by {@code resources/templates/list}.
 *
 * @param uriTemplate an RFC 6570 URI template such as {@code schema://{database}}; not blank
 * @param name        its name; not blank
 * @param title       a human-readable title, or {@code null}
 * @param description what the resources contain, or {@code null}
 * @param mimeType    their MIME type, or {@code null}
 */
public record ResourceTemplateDefinition(String uriTemplate, String name, String title, String description,
        String mimeType) {
    /** @throws IllegalArgumentException if {@code uriTemplate} or {@code name} is null or blank */
    public ResourceTemplateDefinition {
        if (uriTemplate == null || uriTemplate.isBlank()) {
            throw new IllegalArgumentException("resource template uriTemplate must not be blank: " + uriTemplate);
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("resource template " + uriTemplate + " needs a name");
        }
    }
}
