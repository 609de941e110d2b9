package io.pgmcp.llm;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A scripted OpenAI-compatible server for tests: {@code POST /v1/chat/completions} on
 * {@code 127.0.0.1} and a free port. Every request is recorded (path, headers, parsed JSON body) and
 * answered with the next {@link Reply} of the script, or with a 500 "no scripted reply" once the script
 * is empty. Other paths answer 404 and are recorded too.
 *
 * <pre>{@code
 * try (StubLlmServer llm = StubLlmServer.start()) {
 *     llm.reply429(2).replyJson("{\"sql\": \"SELECT 1\"}");
 *     ... new OpenAiClient(new OpenAiConfig(key, "gpt-4o-mini", Optional.of(llm.baseUrl()), timeout), ticker, clock) ...
 *     assertEquals(2, llm.requests().size());
 * }
 * }</pre>
 *
 * A {@link #hang() hanging} reply holds its request for at most {@value #HANG_LIMIT_SECONDS} s, a
 * {@link Reply#delayed delayed} one for its delay; {@link #close()} releases both at once, without an answer. Thread-safe: scripting and reading the record may
 * happen while requests are served.
 */
public final class StubLlmServer implements AutoCloseable {
    /** The longest a hanging reply holds its request (so a forgotten stub cannot stall a build). */
    public static final int HANG_LIMIT_SECONDS = 30;
    /** Token counts {@link #replyJson(String)} reports. */
    public static final int PROMPT_TOKENS = 42;
    public static final int COMPLETION_TOKENS = 7;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/v1/chat/completions";

    /**
     * A canned answer.
     *
     * @param headers extra response headers ({@code Content-Type: application/json} is always sent)
     * @param delay   how long to wait before answering; {@code null} means hang until the server closes
     */
    public record Reply(int status, String body, Map<String, String> headers, Duration delay) {
        public Reply {
            Objects.requireNonNull(body, "body");
            headers = Map.copyOf(headers);
        }

        /** A 200 chat completion whose assistant message is {@code content}, with usage. */
        public static Reply completion(String content, int promptTokens, int completionTokens) {
            ObjectNode body = JSON.createObjectNode();
            body.put("id", "chatcmpl-stub").put("object", "chat.completion").put("created", 1_700_000_000L)
                    .put("model", "stub-model");
            ObjectNode choice = body.putArray("choices").addObject();
            choice.put("index", 0).put("finish_reason", "stop");
            choice.putObject("message").put("role", "assistant").put("content", content);
            body.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                    .put("total_tokens", promptTokens + completionTokens);
            return new Reply(200, body.toString(), Map.of(), Duration.ZERO);
        }

        /** An OpenAI-shaped error: {@code {"error": {"message": …, "type": …, "code": …}}}. */
        public static Reply error(int status, String message) {
            ObjectNode body = JSON.createObjectNode();
            body.putObject("error").put("message", message).put("type", "stub_error").putNull("param")
                    .put("code", status);
            return new Reply(status, body.toString(), Map.of(), Duration.ZERO);
        }

        /** This reply with one more header. */
        public Reply withHeader(String name, String value) {
            Map<String, String> more = new TreeMap<>(headers);
            more.put(name, value);
            return new Reply(status, body, more, delay);
        }

        /** This reply, sent after {@code wait}. */
        public Reply delayed(Duration wait) {
            return new Reply(status, body, headers, Objects.requireNonNull(wait, "wait"));
        }
    }

    /**
     * One request as the server saw it.
     *
     * @param headers header names in lower case
     * @param body    the parsed JSON body; {@link MissingNode} when it was not JSON
     */
    public record RecordedRequest(String method, String path, Map<String, List<String>> headers, String rawBody,
            JsonNode body) {

        /** The first value of a header, by case-insensitive name. */
        public Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        /** The {@code Authorization} header, if any. */
        public Optional<String> authorization() {
            return header("Authorization");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    private StubLlmServer(HttpServer server) {
        this.server = server;
    }

    /** Starts a stub on 127.0.0.1 and a free port. */
    public static StubLlmServer start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            StubLlmServer stub = new StubLlmServer(http);
            http.setExecutor(stub.executor);
            http.createContext("/", stub::handle);
            http.start();
            return stub;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the stub LLM server", e);
        }
    }

    /** {@code http://127.0.0.1:PORT/v1}: the value for {@code openai.base_url}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Appends a reply to the script. */
    public StubLlmServer reply(Reply reply) {
        script.add(Objects.requireNonNull(reply, "reply"));
        return this;
    }

    /** Appends a completion whose assistant message is {@code content} (usually a JSON text). */
    public StubLlmServer replyJson(String content) {
        return reply(Reply.completion(content, PROMPT_TOKENS, COMPLETION_TOKENS));
    }

    /** Appends an OpenAI-shaped error with this status and {@code error.message}. */
    public StubLlmServer replyStatus(int status, String errorMessage) {
        return reply(Reply.error(status, errorMessage));
    }

    /** Appends a 429 rate-limit error with {@code Retry-After: seconds}. */
    public StubLlmServer reply429(int retryAfterSeconds) {
        return reply(Reply.error(429, "Rate limit reached for requests")
                .withHeader("Retry-After", Integer.toString(retryAfterSeconds)));
    }

    /** Appends a 200 whose body is {@code rawBody} as is (not a completion). */
    public StubLlmServer replyGarbage(String rawBody) {
        return reply(new Reply(200, rawBody, Map.of(), Duration.ZERO));
    }

    /** Appends a reply that never comes: the request is held until {@link #close()}. */
    public StubLlmServer hang() {
        return reply(new Reply(500, "", Map.of(), null));
    }

    /** Every request so far, oldest first. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The {@code index}-th request (0 = first). */
    public RecordedRequest request(int index) {
        return requests.get(index);
    }

    /** Replies still in the script. */
    public int unusedReplies() {
        return script.size();
    }

    /** Releases hanging requests and stops the server. */
    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.close();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String rawBody;
            try (InputStream in = exchange.getRequestBody()) {
                rawBody = new String(in.readAllBytes(), UTF_8);
            }
            requests.add(new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    headers(exchange), rawBody, parse(rawBody)));
            Reply reply;
            if (!PATH.equals(exchange.getRequestURI().getPath())) {
                reply = Reply.error(404, "Invalid URL (" + exchange.getRequestMethod() + " "
                        + exchange.getRequestURI().getPath() + ")");
            } else if (!"POST".equals(exchange.getRequestMethod())) {
                reply = Reply.error(405, "use POST");
            } else {
                reply = Objects.requireNonNullElseGet(script.poll(), () -> Reply.error(500, "no scripted reply"));
            }
            if (!await(reply.delay())) {
                return; // closed while hanging: drop the connection without an answer
            }
            byte[] bytes = reply.body().getBytes(UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException clientGone) {
            // The client timed out or closed the connection: nothing left to answer.
        }
    }

    /** True when the delay passed; false when the server closed first or the reply hangs. */
    private boolean await(Duration delay) {
        if (delay != null && delay.isZero()) {
            return true;
        }
        try {
            long nanos = delay == null ? TimeUnit.SECONDS.toNanos(HANG_LIMIT_SECONDS) : delay.toNanos();
            boolean closedMeanwhile = closed.await(nanos, TimeUnit.NANOSECONDS);
            return delay != null && !closedMeanwhile;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Map<String, List<String>> headers(HttpExchange exchange) {
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders()
                .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        return Map.copyOf(headers);
    }

    private static JsonNode parse(String rawBody) {
        try {
            return rawBody.isBlank() ? MissingNode.getInstance() : JSON.readTree(rawBody);
        } catch (JsonProcessingException notJson) {
            return MissingNode.getInstance();
        }
    }
}
