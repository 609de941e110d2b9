package io.pgmcp.config;

import java.util.List;
import java.util.regex.Pattern;

/** Functions the guard allows on top of its built-in list of side-effect-free functions: {@code name} or {@code schema.name}. */
public record FunctionAccessConfig(List<String> allowed) {

    private static final Pattern NAME = Pattern.compile("([A-Za-z_][A-Za-z0-9_$]*\\.)?[A-Za-z_][A-Za-z0-9_$]*");

    public FunctionAccessConfig {
        allowed = List.copyOf(allowed);
        for (String name : allowed) {
            if (!isValidName(name)) {
                throw new IllegalArgumentException("'" + name + "' is not a function name (name or schema.name)");
            }
        }
    }

    public static FunctionAccessConfig defaults() {
        return new FunctionAccessConfig(List.of());
    }

    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
    }
}
