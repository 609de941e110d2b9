package io.pgmcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a tool's {@code arguments} strictly: unknown names, wrong types and out-of-range values are
 * collected as messages that name the argument, answered as one {@code VALIDATION_ERROR}.
 */
final class Arguments {
    private final ObjectNode arguments;
    private final List<String> problems = new ArrayList<>();

    Arguments(ObjectNode arguments, Set<String> known) {
        this.arguments = arguments;
        for (Iterator<String> names = arguments.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!known.contains(name)) {
                problems.add("unknown argument '" + name + "' (expected: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    /** A string argument trimmed of surrounding whitespace, with its length bounded. */
    Optional<String> string(String name, boolean required, int minLength, int maxLength) {
        JsonNode value = arguments.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                problems.add("'" + name + "' is required");
            }
            return Optional.empty();
        }
        if (!value.isTextual()) {
            problems.add("'" + name + "' must be a string, not "
                    + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            return Optional.empty();
        }
        String text = value.textValue().strip();
        if (text.length() < minLength) {
            problems.add(minLength == 1
                    ? "'" + name + "' must not be empty"
                    : "'" + name + "' must have at least " + minLength + " characters");
            return Optional.empty();
        }
        if (text.length() > maxLength) {
            problems.add("'" + name + "' has " + text.length() + " characters; the maximum is " + maxLength);
            return Optional.empty();
        }
        return Optional.of(text);
    }

    /** An integer argument within [min, max]; absent → empty. */
    Optional<Integer> integer(String name, int min, int max) {
        JsonNode value = arguments.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() && !(value.isNumber() && value.asDouble() == Math.rint(value.asDouble()))) {
            problems.add("'" + name + "' must be an integer");
            return Optional.empty();
        }
        if (!value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
            problems.add("'" + name + "' must be between " + min + " and " + max + ", not " + value.asText());
            return Optional.empty();
        }
        return Optional.of((int) value.asLong());
    }

    /** A string argument restricted to the given values. */
    Optional<String> choice(String name, List<String> allowed) {
        Optional<String> value = string(name, false, 1, 100);
        if (value.isPresent() && !allowed.contains(value.get())) {
            problems.add("'" + name + "' must be one of " + allowed + ", not '" + value.get() + "'");
            return Optional.empty();
        }
        return value;
    }

    /** The {@code database} argument: the name of a configured database. */
    Optional<String> database() {
        return string("database", false, 1, 63);
    }

    /** Adds a problem a tool found itself (e.g. a value the schema allows but the tool cannot use). */
    void problem(String message) {
        problems.add(message);
    }

    /** @return whether an argument was wrong: the tool then answers {@link #invalid()} */
    boolean hasProblems() {
        return !problems.isEmpty();
    }

    /** {@code VALIDATION_ERROR} with every problem found. */
    ToolOutcome.Failed invalid() {
        return ToolOutcome.invalid(problems);
    }
}
