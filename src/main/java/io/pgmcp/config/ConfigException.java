package io.pgmcp.config;

import java.io.Serial;
import java.util.List;
import java.util.Objects;

/**
 * The configuration is unusable. Carries every problem found, each naming the key path (or the
 * environment variable) it is about; the message is all of them, one per line. No message holds a
 * secret value.
 */
public final class ConfigException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String[] errors;

    public ConfigException(List<String> errors) {
        super(String.join("\n", requireNonEmpty(errors)));
        this.errors = errors.toArray(String[]::new);
    }

    public ConfigException(String error) {
        this(List.of(error));
    }

    /** Every problem, in the order found; never empty. */
    public List<String> errors() {
        return List.of(errors);
    }

    private static List<String> requireNonEmpty(List<String> errors) {
        Objects.requireNonNull(errors, "errors");
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        return errors;
    }
}
