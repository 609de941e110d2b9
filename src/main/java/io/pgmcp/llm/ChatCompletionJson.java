package io.pgmcp.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The OpenAI chat-completions wire format: the request body we send, the completion we read back,
 * and the error message inside an error body. Pure and thread-safe.
 */
final class ChatCompletionJson {
    /** Server messages in our errors are cut here: enough to act on, too short to flood a prompt. */
    static final int MAX_SERVER_MESSAGE = 300;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatCompletionJson() {}

    /** {@code {"model", "messages", "temperature": 0}} plus {@code response_format} in JSON mode. */
    static String requestBody(String model, ChatRequest request, boolean jsonMode) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage message : request.messages()) {
            messages.addObject().put("role", message.role()).put("content", message.content());
        }
        body.put("temperature", 0);
        if (jsonMode) {
            body.putObject("response_format").put("type", "json_object");
        }
        return body.toString();
    }

    /**
     * Reads {@code choices[0].message.content} and {@code usage}.
     *
     * @param requestedModel the model named in the completion when the server names none
     * @throws LlmException {@code BAD_RESPONSE} when the body is not a completion with content
     */
    static Completion completion(String body, String requestedModel) throws LlmException {
        JsonNode root = parse(body).orElseThrow(() -> badResponse("the LLM's answer is not JSON: " + snippet(body)));
        if (!root.isObject()) {
            throw badResponse("the LLM's answer is not a JSON object: " + snippet(body));
        }
        JsonNode choices = root.path("choices");
        if (!choices.isArray() || choices.isEmpty()) {
            throw badResponse("the LLM's answer has no choices: " + snippet(body));
        }
        JsonNode message = choices.get(0).path("message");
        JsonNode content = message.path("content");
        if (!content.isTextual() || content.asText().isBlank()) {
            JsonNode refusal = message.path("refusal");
            if (refusal.isTextual() && !refusal.asText().isBlank()) {
                throw badResponse("the model refused to answer: " + shorten(refusal.asText()));
            }
            throw badResponse("the LLM's answer has no message content: " + snippet(body));
        }
        JsonNode usage = root.path("usage");
        String model = root.path("model").isTextual() ? root.path("model").asText() : requestedModel;
        return new Completion(content.asText(), tokens(usage.path("prompt_tokens")),
                tokens(usage.path("completion_tokens")), model);
    }

    /**
     * The server's explanation in an error body: OpenAI's {@code error.message}, the plain
     * {@code error} string of Ollama and others, FastAPI's {@code detail}, a top-level {@code message},
     * or else the body itself; shortened to {@value #MAX_SERVER_MESSAGE} characters. Empty when blank.
     */
    static String errorMessage(String body) {
        Optional<JsonNode> root = parse(body);
        if (root.isPresent()) {
            JsonNode error = root.get().path("error");
            for (JsonNode candidate : new JsonNode[]{error.path("message"), error, root.get().path("detail"),
                    root.get().path("message")}) {
                if (candidate.isTextual() && !candidate.asText().isBlank()) {
                    return shorten(candidate.asText());
                }
            }
        }
        return shorten(body);
    }

    /** One line, at most {@value #MAX_SERVER_MESSAGE} characters. */
    static String shorten(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= MAX_SERVER_MESSAGE ? line : line.substring(0, MAX_SERVER_MESSAGE) + "…";
    }

    private static String snippet(String body) {
        return body.isBlank() ? "(empty body)" : shorten(body);
    }

    private static int tokens(JsonNode count) {
        return count.canConvertToInt() && count.asInt() >= 0 ? count.asInt() : 0;
    }

    private static Optional<JsonNode> parse(String body) {
        if (body.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(body));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    private static LlmException badResponse(String message) {
        return new LlmException(LlmException.Kind.BAD_RESPONSE, message);
    }
}
