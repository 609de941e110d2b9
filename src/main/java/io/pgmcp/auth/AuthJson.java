package io.pgmcp.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Strict JSON for tokens and authorization-server documents: a duplicate key, trailing content or deep nesting
 * is an error, so a token cannot mean one thing to us and another to its issuer.
 */
final class AuthJson {
    static final JsonMapper MAPPER = JsonMapper.builder(new JsonFactoryBuilder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxNumberLength(64).build())
            .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private AuthJson() {}

    /** @return the JSON object in {@code bytes}, or empty when they hold anything else */
    static Optional<JsonNode> object(byte[] bytes) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    /** The text of a string member, if it is one. */
    static Optional<String> text(JsonNode object, String member) {
        JsonNode v = object.get(member);
        return v != null && v.isTextual() ? Optional.of(v.textValue()) : Optional.empty();
    }

    /** A string member as one value, or a string-array member as its values; empty for anything else. */
    static Optional<List<String>> strings(JsonNode object, String member) {
        JsonNode v = object.get(member);
        if (v == null) {
            return Optional.empty();
        }
        if (v.isTextual()) {
            return Optional.of(List.of(v.textValue()));
        }
        if (!v.isArray()) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                return Optional.empty();
            }
            out.add(e.textValue());
        }
        return Optional.of(out);
    }
}
