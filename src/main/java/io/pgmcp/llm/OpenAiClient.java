package io.pgmcp.llm;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.pgmcp.config.OpenAiConfig;
import io.pgmcp.config.Secret;
import io.pgmcp.llm.LlmException.Kind;
import io.pgmcp.resilience.Ticker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An OpenAI-compatible chat-completions endpoint (OpenAI, Azure, vLLM, Ollama, LM Studio) over the
 * JDK {@link HttpClient}: one {@code POST {base_url}/chat/completions} per call, bounded as a whole —
 * connect, headers and body — by {@code openai.timeout}. HTTP failures become {@link LlmException}s
 * with the server's explanation; no retries here (see {@link RetryingLlmClient}).
 *
 * <p>Servers without JSON mode answer 400 naming {@code response_format}; the request is then sent once
 * more without it, and this client remembers to leave it out from then on. The API key goes into the
 * {@code Authorization} header only (none without a key, for local servers) and is blanked out of
 * anything a server echoes back. Thread-safe.
 */
public final class OpenAiClient implements LlmClient {
    private static final System.Logger logger = System.getLogger(OpenAiClient.class.getName());

    private final URI endpoint;
    private final String model;
    private final Optional<Secret> apiKey;
    private final Duration timeout;
    private final Ticker ticker;
    private final Clock clock;
    private final HttpClient http;
    private final AtomicBoolean jsonModeUnsupported = new AtomicBoolean();

    /**
     * @param ticker times each request (for the debug log)
     * @param clock reads HTTP-date {@code Retry-After} values
     * @throws IllegalArgumentException when the base URL is not an http(s) URL
     */
    public OpenAiClient(OpenAiConfig config, Ticker ticker, Clock clock) {
        this.endpoint = endpoint(config.effectiveBaseUrl());
        this.model = config.model();
        this.apiKey = config.apiKey().filter(key -> !key.reveal().isBlank());
        this.timeout = config.timeout();
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.clock = Objects.requireNonNull(clock, "clock");
        // Plain-http servers are local (Ollama, vLLM): skip the h2c upgrade some of them mishandle.
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .version("https".equals(endpoint.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Override
    public Completion complete(ChatRequest request) throws LlmException {
        boolean jsonMode = request.jsonResponse() && !jsonModeUnsupported.get();
        HttpResponse<String> response = send(request, jsonMode);
        if (jsonMode && response.statusCode() == 400 && lacksJsonMode(response.body())) {
            if (jsonModeUnsupported.compareAndSet(false, true)) {
                String reason = serverMessage(response.body());
                logger.log(INFO, () -> "the LLM at " + endpoint + " does not support response_format (JSON mode); "
                        + "asking for JSON in the prompt only from now on: " + reason);
            }
            response = send(request, false);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw failure(status, response.body(), response.headers());
        }
        try {
            return ChatCompletionJson.completion(response.body(), model);
        } catch (LlmException bad) {
            throw new LlmException(bad.kind(), scrub(bad.getMessage()));
        }
    }

    /** Whether JSON mode was found unsupported and is left out of requests. */
    public boolean jsonModeDisabled() {
        return jsonModeUnsupported.get();
    }

    /** Waits up to {@code openai.timeout} for calls in flight, then aborts them. */
    @Override
    public void close() {
        http.shutdown();
        try {
            if (!http.awaitTermination(timeout)) {
                http.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            http.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "OpenAiClient[" + endpoint + ", model=" + model + ", key=" + (apiKey.isPresent() ? "****" : "none")
                + ", timeout=" + timeout.toMillis() + " ms]";
    }

    private HttpResponse<String> send(ChatRequest request, boolean jsonMode) throws LlmException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ChatCompletionJson.requestBody(model, request, jsonMode),
                        UTF_8));
        apiKey.ifPresent(key -> builder.header("Authorization", "Bearer " + key.reveal()));
        long started = ticker.read();
        // The request timeout stops at the response headers; this bound also covers a body that stalls.
        CompletableFuture<HttpResponse<String>> pending = http.sendAsync(builder.build(),
                HttpResponse.BodyHandlers.ofString(UTF_8));
        try {
            HttpResponse<String> response = pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            logger.log(DEBUG, () -> "POST " + endpoint + " model=" + model + " json=" + jsonMode + " -> "
                    + response.statusCode() + " in " + (ticker.read() - started) / 1_000_000 + " ms");
            return response;
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new LlmException(Kind.TIMEOUT, noAnswer(), e);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new LlmException(Kind.CONNECTION, "interrupted while waiting for the LLM at " + endpoint, e);
        } catch (ExecutionException e) {
            throw transportFailure(e.getCause());
        }
    }

    private LlmException transportFailure(Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return new LlmException(Kind.TIMEOUT, "could not connect to the LLM at " + endpoint + " within "
                    + timeout.toMillis() + " ms", cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return new LlmException(Kind.TIMEOUT, noAnswer(), cause);
        }
        if (cause instanceof IOException) {
            return new LlmException(Kind.CONNECTION, "cannot reach the LLM at " + endpoint + ": "
                    + scrub(reason(cause)), cause);
        }
        if (cause instanceof RuntimeException bug) {
            throw bug;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new LlmException(Kind.CONNECTION, "the call to the LLM at " + endpoint + " failed: "
                + scrub(reason(cause)), cause);
    }

    private LlmException failure(int status, String body, HttpHeaders headers) {
        String server = serverMessage(body);
        String detail = server.isEmpty() ? "" : ": " + server;
        Optional<Duration> retryAfter = status == 429 || status == 503
                ? RetryAfterHeader.from(headers, clock.instant())
                : Optional.empty();
        return switch (status) {
            case 400 -> new LlmException(Kind.BAD_REQUEST, "the LLM server rejected the request (400)" + detail);
            case 401 -> new LlmException(Kind.UNAUTHORIZED, apiKey.isPresent()
                    ? "the API key was rejected (401)" + detail
                    : "the LLM server requires an API key (401): set openai.api_key or OPENAI_API_KEY" + detail);
            case 403 -> new LlmException(Kind.FORBIDDEN, "the LLM server refused access (403)" + detail);
            case 404 -> new LlmException(Kind.NOT_FOUND, body.toLowerCase(Locale.ROOT).contains("model")
                    ? "unknown model '" + model + "' (404)" + detail
                    : "no chat completions endpoint at " + endpoint + " (404): check openai.base_url, which usually "
                            + "ends in /v1" + detail);
            case 408 -> new LlmException(Kind.TIMEOUT, "the LLM server timed out the request (408)" + detail);
            case 429 -> new LlmException(Kind.RATE_LIMITED, "the LLM rate limit was reached (429)"
                    + retryAfter.map(wait -> ", retry after " + seconds(wait)).orElse("") + detail, retryAfter, null);
            default -> {
                if (status >= 500) {
                    yield new LlmException(Kind.SERVER_ERROR, "the LLM server failed (" + status + ")" + detail,
                            retryAfter, null);
                }
                if (status >= 400) {
                    yield new LlmException(Kind.BAD_REQUEST, "the LLM server rejected the request (" + status + ")"
                            + detail);
                }
                yield new LlmException(Kind.BAD_RESPONSE, "unexpected HTTP status " + status + " from " + endpoint
                        + detail);
            }
        };
    }

    /**
     * A 400 naming {@code response_format}: the server lacks JSON mode. OpenAI's complaint that the
     * messages must mention JSON also names it, but that is a prompt bug, not a missing feature.
     */
    private static boolean lacksJsonMode(String body) {
        String text = body.toLowerCase(Locale.ROOT);
        return text.contains("response_format") && !text.contains("must contain the word");
    }

    private String serverMessage(String body) {
        return scrub(ChatCompletionJson.errorMessage(body));
    }

    /** Blanks the API key out of text a server or the network stack produced. */
    private String scrub(String text) {
        return apiKey.map(Secret::reveal).filter(key -> key.length() >= 4)
                .map(key -> text.replace(key, "****"))
                .orElse(text);
    }

    private String noAnswer() {
        return "the LLM at " + endpoint + " did not answer within " + timeout.toMillis() + " ms";
    }

    private static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return failure.getClass().getSimpleName();
    }

    private static String seconds(Duration wait) {
        long millis = wait.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private static URI endpoint(String baseUrl) {
        URI uri;
        try {
            uri = URI.create(baseUrl + "/chat/completions");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("openai.base_url is not a valid URL: " + e.getMessage(), e);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("openai.base_url must be an http:// or https:// URL, got " + baseUrl);
        }
        return uri;
    }
}
