package io.pgmcp.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Reads typed values from one mapping of the parsed config, reporting every problem (wrong type, out
 * of range, bad value) to the {@link BindContext} with the key's full path, and returning the default
 * instead so reading can go on and find the next problem. Remembers which keys were asked for, so the
 * context can report the others as unknown. Secrets are never echoed in a message.
 */
final class ConfigNode {
    private final JsonNode node;
    private final String path;
    private final BindContext ctx;
    private final Set<String> known = new LinkedHashSet<>();

    private ConfigNode(JsonNode node, String path, BindContext ctx) {
        this.node = node;
        this.path = path;
        this.ctx = ctx;
        ctx.register(this);
    }

    /** The root mapping; {@code tree} must be an object node. */
    static ConfigNode root(JsonNode tree, BindContext ctx) {
        return new ConfigNode(tree, "", ctx);
    }

    String path() {
        return path;
    }

    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    void error(String message) {
        ctx.error(path, message);
    }

    void error(String key, String message) {
        ctx.error(path(key), message);
    }

    /** Whether the key is present with a non-null value (a value whose expansion failed counts as present). */
    boolean has(String key) {
        known.add(key);
        return node != null && node.hasNonNull(key);
    }

    boolean bool(String key, boolean fallback) {
        JsonNode v = value(key);
        if (v == null) {
            return fallback;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (isCoercibleText(v) && v.textValue().strip().matches("(?i)true|false")) {
            return Boolean.parseBoolean(v.textValue().strip());
        }
        return wrongType(key, v, "a boolean", false, fallback);
    }

    int integer(String key, int fallback, int min, int max) {
        return (int) longInteger(key, fallback, min, max);
    }

    long longInteger(String key, long fallback, long min, long max) {
        JsonNode v = value(key);
        if (v == null) {
            return fallback;
        }
        BigDecimal n = decimal(v);
        if (n == null || n.stripTrailingZeros().scale() > 0) {
            return wrongType(key, v, "an integer", false, fallback);
        }
        return inRange(key, n, BigDecimal.valueOf(min), BigDecimal.valueOf(max)) ? n.longValue() : fallback;
    }

    double number(String key, double fallback, double min, double max) {
        JsonNode v = value(key);
        if (v == null) {
            return fallback;
        }
        BigDecimal n = decimal(v);
        if (n == null) {
            return wrongType(key, v, "a number", false, fallback);
        }
        return inRange(key, n, BigDecimal.valueOf(min), BigDecimal.valueOf(max)) ? n.doubleValue() : fallback;
    }

    /** A duration given in (possibly fractional) seconds, within {@code min}..{@code max} seconds. */
    Duration seconds(String key, Duration fallback, double min, double max) {
        double fallbackSeconds = fallback.toNanos() / 1e9;
        double s = number(key, fallbackSeconds, min, max);
        if (s == fallbackSeconds) {
            return fallback;
        }
        return Duration
                .ofNanos(BigDecimal.valueOf(s).movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact());
    }

    /** A non-blank string. */
    String string(String key, String fallback) {
        return optionalString(key).orElse(fallback);
    }

    /** A non-blank string, if given. */
    Optional<String> optionalString(String key) {
        return text(key, false);
    }

    /** A non-blank string, if given, that no message may echo (a URL that may hold a password). */
    Optional<String> secretText(String key) {
        return text(key, true);
    }

    private Optional<String> text(String key, boolean secret) {
        JsonNode v = value(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            return wrongType(key, v, "a string", secret, Optional.empty());
        }
        if (v.textValue().isBlank()) {
            error(key, "must not be empty");
            return Optional.empty();
        }
        return Optional.of(v.textValue());
    }

    /** A secret string; an empty one counts as not given. Never echoed. */
    Optional<Secret> secret(String key) {
        JsonNode v = value(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            return wrongType(key, v, "a string", true, Optional.empty());
        }
        return v.textValue().isEmpty() ? Optional.empty() : Optional.of(new Secret(v.textValue()));
    }

    /** One of the enum's constants, spelled as its {@code toString()} in lower case, case-insensitively. */
    <E extends Enum<E>> E choice(String key, E fallback) {
        Map<String, E> spellings = new LinkedHashMap<>();
        for (E e : fallback.getDeclaringClass().getEnumConstants()) {
            spellings.put(e.toString().toLowerCase(Locale.ROOT), e);
        }
        return choice(key, fallback, spellings);
    }

    /** One of {@code spellings}' keys (lower case), matched case-insensitively. */
    <T> T choice(String key, T fallback, Map<String, T> spellings) {
        JsonNode v = value(key);
        if (v == null) {
            return fallback;
        }
        String options = String.join(", ", spellings.keySet());
        if (!v.isTextual()) {
            return wrongType(key, v, "one of " + options, false, fallback);
        }
        T match = spellings.get(v.textValue().strip().toLowerCase(Locale.ROOT));
        if (match == null) {
            error(key, quote(v.textValue()) + " is not one of " + options);
            return fallback;
        }
        return match;
    }

    /** A list of strings; elements that fail {@code valid} are reported as "'x' {@code rule}" and left out. */
    List<String> strings(String key, List<String> fallback, Predicate<String> valid, String rule) {
        JsonNode v = list(key);
        return v == null
                ? fallback
                : eachString(key, v, false, text -> valid.test(text) ? null : quote(text) + " " + rule, text -> text);
    }

    /** A list of non-empty secret strings. Never echoed. */
    List<Secret> secrets(String key) {
        JsonNode v = list(key);
        return v == null
                ? List.of()
                : eachString(key, v, true, text -> text.isEmpty() ? "must not be empty" : null, Secret::new);
    }

    /**
     * The string elements of the list {@code v} found under {@code key}, each checked by {@code problem} (an error message, or
     * null when fine) and turned into a value; a non-string or a bad element is reported and left out.
     */
    private <T> List<T> eachString(String key, JsonNode v, boolean secret, Function<String, String> problem,
            Function<String, T> value) {
        List<T> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            String p = path(key) + "[" + i + "]";
            if (ctx.isFailed(e)) {
                continue;
            }
            if (!e.isTextual()) {
                ctx.error(p, "expected a string, got " + describe(e, secret));
                continue;
            }
            String error = problem.apply(e.textValue());
            if (error != null) {
                ctx.error(p, error);
            } else {
                out.add(value.apply(e.textValue()));
            }
        }
        return out;
    }

    /**
     * The list under {@code key} whose elements may each be a string (a secret, never echoed) or a mapping:
     * {@code text} gets an element's index and string, {@code mapping} its node; an element that is neither is
     * reported and left out, as is one for which the function returns null.
     */
    <T> List<T> secretsOrMappings(String key, BiFunction<Integer, Secret, T> text, Function<ConfigNode, T> mapping) {
        JsonNode v = list(key);
        if (v == null) {
            return List.of();
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            String p = path(key) + "[" + i + "]";
            T value = null;
            if (ctx.isFailed(e)) {
                continue;
            } else if (e.isTextual()) {
                value = e.textValue().isEmpty() ? null : text.apply(i, new Secret(e.textValue()));
                if (e.textValue().isEmpty()) {
                    ctx.error(p, "must not be empty");
                }
            } else if (e.isObject()) {
                value = mapping.apply(new ConfigNode(e, p, ctx));
            } else {
                ctx.error(p, "expected a string or a mapping, got " + describe(e, true));
            }
            if (value != null) {
                out.add(value);
            }
        }
        return out;
    }

    /** The mapping under {@code key}; an absent (or empty) one reads as all defaults. */
    ConfigNode child(String key) {
        JsonNode v = value(key);
        if (v == null || isEmptyScalar(v)) {
            return new ConfigNode(null, path(key), ctx);
        }
        if (!v.isObject()) {
            wrongType(key, v, "a mapping", false, null);
            return new ConfigNode(null, path(key), ctx);
        }
        return new ConfigNode(v, path(key), ctx);
    }

    /** The list of mappings under {@code key}, with {@code null} for each element that is not a mapping (reported). */
    List<ConfigNode> children(String key) {
        JsonNode v = list(key);
        if (v == null) {
            return List.of();
        }
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            String p = path(key) + "[" + i + "]";
            if (e.isObject()) {
                out.add(new ConfigNode(e, p, ctx));
            } else {
                ctx.error(p, "expected a mapping, got " + describe(e, false));
                out.add(null);
            }
        }
        return out;
    }

    /**
     * Calls a record constructor; an {@link IllegalArgumentException} from its invariants becomes one
     * error per message line at this node's path, and {@code fallback} is returned instead.
     */
    <T> T build(Supplier<T> constructor, T fallback) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            for (String line : e.getMessage().split("\n")) {
                error(line);
            }
            return fallback;
        }
    }

    void reportUnknownKeys() {
        if (node == null) {
            return;
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = field.getKey();
            if (!known.contains(name)) {
                String suggestion = KeySuggestion.closest(name, known);
                error(name, "unknown key" + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)"));
            }
        }
    }

    /** "string", "number", "list", ... */
    static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case ARRAY -> "list";
            case OBJECT -> "mapping";
            case BINARY -> "binary value";
            default -> v.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
    }

    /** The value's kind and, unless secret, the value itself: {@code string "yes"}, {@code a list}. */
    static String describe(JsonNode v, boolean secret) {
        String kind = kind(v);
        if (v.isContainerNode() || v.isBinary()) {
            return "a " + kind;
        }
        if (secret) {
            return "a " + kind + " (<redacted>)" + (v.isTextual() ? "" : "; put the value in quotes");
        }
        return kind + " " + (v.isTextual() ? quote(v.textValue()) : v.asText());
    }

    static String quote(String text) {
        String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
        return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
                .replace("\t", "\\t") + "\"";
    }

    private JsonNode value(String key) {
        known.add(key);
        if (node == null) {
            return null;
        }
        JsonNode v = node.get(key);
        return v == null || v.isNull() || ctx.isFailed(v) ? null : v;
    }

    /** The array under {@code key}, or null when absent, empty, or not an array (reported). */
    private JsonNode list(String key) {
        JsonNode v = value(key);
        if (v == null || isEmptyScalar(v)) {
            return null;
        }
        if (!v.isArray()) {
            return wrongType(key, v, "a list", false, null);
        }
        return v;
    }

    /** YAML reads {@code key:} with nothing after it as an empty string; for a section or list that means "not given". */
    private boolean isEmptyScalar(JsonNode v) {
        return v.isTextual() && v.textValue().isEmpty() && !ctx.isCoercible(v);
    }

    private boolean isCoercibleText(JsonNode v) {
        return v.isTextual() && ctx.isCoercible(v);
    }

    private BigDecimal decimal(JsonNode v) {
        if (v.isNumber()) {
            return v.isFloatingPointNumber() && !Double.isFinite(v.doubleValue()) ? null : v.decimalValue();
        }
        if (isCoercibleText(v)) {
            try {
                return new BigDecimal(v.textValue().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private boolean inRange(String key, BigDecimal value, BigDecimal min, BigDecimal max) {
        if (value.compareTo(min) < 0) {
            error(key, plain(value) + " is below the minimum " + plain(min));
            return false;
        }
        if (value.compareTo(max) > 0) {
            error(key, plain(value) + " is above the maximum " + plain(max));
            return false;
        }
        return true;
    }

    private static String plain(BigDecimal n) {
        return n.stripTrailingZeros().toPlainString();
    }

    private <T> T wrongType(String key, JsonNode v, String expected, boolean secret, T fallback) {
        String hint = !secret && !v.isTextual() && !v.isContainerNode() && expected.equals("a string")
                ? " (put the value in quotes)"
                : "";
        error(key, "expected " + expected + ", got " + describe(v, secret) + hint);
        return fallback;
    }
}
