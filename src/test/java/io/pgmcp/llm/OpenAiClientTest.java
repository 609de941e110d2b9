package io.pgmcp.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.config.OpenAiConfig;
import io.pgmcp.config.Secret;
import io.pgmcp.llm.LlmException.Kind;
import io.pgmcp.llm.StubLlmServer.RecordedRequest;
import io.pgmcp.llm.StubLlmServer.Reply;
import io.pgmcp.testing.FakeTicker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenAiClientTest {
    static final String KEY = "sk-test-SECRET-4242-abcdef";
    private static final ChatRequest QUESTION = ChatRequest.json(List.of(
            ChatMessage.system("Answer in JSON: {\"sql\": ..., \"explanation\": ...}"),
            ChatMessage.user("How many users signed up today?")));

    private final StubLlmServer llm = StubLlmServer.start();

    @AfterEach
    void stopStub() {
        llm.close();
    }

    private OpenAiClient client(Optional<Secret> key, String model, String baseUrl, Duration timeout) {
        return new OpenAiClient(new OpenAiConfig(key, model, Optional.of(baseUrl), timeout), new FakeTicker(),
                Clock.systemUTC());
    }

    private OpenAiClient client() {
        return client(Optional.of(new Secret(KEY)), "gpt-4o-mini", llm.baseUrl(), Duration.ofSeconds(10));
    }

    private LlmException failure(OpenAiClient client, ChatRequest request) {
        LlmException e = assertThrows(LlmException.class, () -> client.complete(request));
        assertFalse(e.getMessage().contains(KEY), "the key leaked into: " + e.getMessage());
        return e;
    }

    @Test
    void sendsModelMessagesTemperatureZeroJsonModeAndBearerKey() throws LlmException {
        llm.replyJson("{\"sql\": \"SELECT 1\"}");
        try (OpenAiClient client = client()) {
            client.complete(QUESTION);
        }
        RecordedRequest request = llm.request(0);
        assertEquals("POST", request.method());
        assertEquals("/v1/chat/completions", request.path());
        assertEquals(Optional.of("Bearer " + KEY), request.authorization());
        assertEquals(Optional.of("application/json"), request.header("content-type"));
        JsonNode body = request.body();
        assertEquals("gpt-4o-mini", body.path("model").asText());
        assertTrue(body.path("temperature").isNumber());
        assertEquals(0.0, body.path("temperature").asDouble());
        assertEquals("json_object", body.path("response_format").path("type").asText());
        assertEquals(2, body.path("messages").size());
        assertEquals("system", body.path("messages").get(0).path("role").asText());
        assertEquals("user", body.path("messages").get(1).path("role").asText());
        assertEquals("How many users signed up today?", body.path("messages").get(1).path("content").asText());
    }

    @Test
    void freeTextRequestsLeaveOutResponseFormat() throws LlmException {
        llm.replyJson("yes");
        try (OpenAiClient client = client()) {
            client.complete(ChatRequest.text(List.of(ChatMessage.user("Does this answer the question?"))));
        }
        assertTrue(llm.request(0).body().path("response_format").isMissingNode());
    }

    @Test
    void noKeyMeansNoAuthorizationHeader() throws LlmException {
        llm.replyJson("{}");
        try (OpenAiClient client = client(Optional.empty(), "llama3.1", llm.baseUrl(), Duration.ofSeconds(10))) {
            client.complete(QUESTION);
        }
        assertEquals(Optional.empty(), llm.request(0).authorization());
    }

    @Test
    void aBaseUrlWithTrailingSlashReachesTheSameEndpoint() throws LlmException {
        llm.replyJson("{}");
        try (OpenAiClient client = client(Optional.empty(), "m", llm.baseUrl() + "/", Duration.ofSeconds(10))) {
            client.complete(QUESTION);
        }
        assertEquals("/v1/chat/completions", llm.request(0).path());
    }

    @Test
    void readsTheAssistantContentUsageAndModel() throws LlmException {
        llm.reply(Reply.completion("{\"sql\": \"SELECT count(*) FROM users\"}", 321, 17));
        try (OpenAiClient client = client()) {
            Completion completion = client.complete(QUESTION);
            assertEquals(new Completion("{\"sql\": \"SELECT count(*) FROM users\"}", 321, 17, "stub-model"),
                    completion);
            assertEquals(338, completion.totalTokens());
        }
    }

    @Test
    void missingUsageCountsAsZeroTokensAndTheRequestedModel() throws LlmException {
        llm.replyGarbage("{\"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": \"hi\"}}]}");
        try (OpenAiClient client = client()) {
            assertEquals(new Completion("hi", 0, 0, "gpt-4o-mini"), client.complete(QUESTION));
        }
    }

    @Test
    void rateLimitIsRateLimitedWithTheRetryAfterSeconds() {
        llm.reply429(7);
        try (OpenAiClient client = client()) {
            LlmException e = failure(client, QUESTION);
            assertEquals(Kind.RATE_LIMITED, e.kind());
            assertTrue(e.retryable());
            assertEquals(Optional.of(Duration.ofSeconds(7)), e.retryAfter());
            assertEquals("the LLM rate limit was reached (429), retry after 7 s: Rate limit reached for requests",
                    e.getMessage());
        }
    }

    @Test
    void retryAfterAsHttpDateIsMeasuredFromTheClock() {
        llm.reply(Reply.error(429, "slow down").withHeader("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"));
        Clock clock = Clock.fixed(Instant.parse("2015-10-21T07:27:30Z"), ZoneOffset.UTC);
        OpenAiConfig config = new OpenAiConfig(Optional.empty(), "m", Optional.of(llm.baseUrl()),
                Duration.ofSeconds(10));
        try (OpenAiClient client = new OpenAiClient(config, new FakeTicker(), clock)) {
            assertEquals(Optional.of(Duration.ofSeconds(30)), failure(client, QUESTION).retryAfter());
        }
    }

    @Test
    void serverErrorIsServerErrorWithTheServersMessage() {
        llm.replyStatus(500, "The server had an error while processing your request.");
        try (OpenAiClient client = client()) {
            LlmException e = failure(client, QUESTION);
            assertEquals(Kind.SERVER_ERROR, e.kind());
            assertTrue(e.retryable());
            assertEquals("the LLM server failed (500): The server had an error while processing your request.",
                    e.getMessage());
        }
    }

    @Test
    void aRejectedKeyIsUnauthorizedAndNotRetryable() {
        llm.replyStatus(401, "Incorrect API key provided: sk-test-****cdef.");
        try (OpenAiClient client = client()) {
            LlmException e = failure(client, QUESTION);
            assertEquals(Kind.UNAUTHORIZED, e.kind());
            assertFalse(e.retryable());
            assertEquals("the API key was rejected (401): Incorrect API key provided: sk-test-****cdef.",
                    e.getMessage());
        }
    }

    @Test
    void aMissingKeyIsExplainedWhenTheServerWantsOne() {
        llm.replyStatus(401, "You didn't provide an API key.");
        try (OpenAiClient client = client(Optional.empty(), "m", llm.baseUrl(), Duration.ofSeconds(10))) {
            assertTrue(failure(client, QUESTION).getMessage().startsWith(
                    "the LLM server requires an API key (401): set openai.api_key or OPENAI_API_KEY"));
        }
    }

    @Test
    void forbiddenIsForbidden() {
        llm.replyStatus(403, "Project does not have access to model gpt-4o-mini");
        try (OpenAiClient client = client()) {
            LlmException e = failure(client, QUESTION);
            assertEquals(Kind.FORBIDDEN, e.kind());
            assertFalse(e.retryable());
        }
    }

    @Test
    void anUnknownModelIsNamed() {
        llm.replyStatus(404, "The model `gpt-9` does not exist or you do not have access to it.");
        try (OpenAiClient client = client(Optional.of(new Secret(KEY)), "gpt-9", llm.baseUrl(),
                Duration.ofSeconds(10))) {
            LlmException e = failure(client, QUESTION);
            assertEquals(Kind.NOT_FOUND, e.kind());
            assertEquals(
                    "unknown model 'gpt-9' (404): The model `gpt-9` does not exist or you do not have access to it.",
                    e.getMessage());
        }
    }

    @Test
    void anOllamaStyleErrorStringIsRead() {
        llm.reply(new Reply(404, "{\"error\":\"model \\\"llama9\\\" not found, try pulling it first\"}", Map.of(),
                Duration.ZERO));
        try (OpenAiClient client = client(Optional.empty(), "llama9", llm.baseUrl(), Duration.ofSeconds(10))) {
            assertEquals("unknown model 'llama9' (404): model \"llama9\" not found, try pulling it first",
                    failure(client, QUESTION).getMessage());
        }
    }

    @Test
    void aBaseUrlWithoutV1PointsAtTheSetting() {
        String withoutV1 = llm.baseUrl().replace("/v1", "");
        try (OpenAiClient client = client(Optional.empty(), "m", withoutV1, Duration.ofSeconds(10))) {
            LlmException e = failure(client, QUESTION);
            assertEquals(Kind.NOT_FOUND, e.kind());
            assertTrue(e.getMessage().startsWith("no chat completions endpoint at " + withoutV1
                    + "/chat/completions (404): check openai.base_url, which usually ends in /v1"), e.getMessage());
        }
    }

    @Test
    void aHangingServerTimesOutAfterTheConfiguredTimeout() {
        llm.hang();
        try (OpenAiClient client = client(Optional.of(new Secret(KEY)), "m", llm.baseUrl(), Duration.ofMillis(300))) {
            long started = System.nanoTime();
            LlmException e = failure(client, QUESTION);
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(Kind.TIMEOUT, e.kind());
            assertTrue(e.retryable());
            assertTrue(elapsedMillis >= 280 && elapsedMillis < 5_000, "timed out after " + elapsedMillis + " ms");
            assertEquals("the LLM at " + llm.baseUrl() + "/chat/completions did not answer within 300 ms",
                    e.getMessage());
        }
    }

    @Test
    void aBodyThatStallsAfterTheHeadersStillTimesOut() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket socket = server.accept()) {
                    socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 1000\r\n\r\n{\"choi").getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    done.await(30, TimeUnit.SECONDS);
                } catch (IOException | InterruptedException ignored) {
                    // the test is over
                }
            });
            String baseUrl = "http://127.0.0.1:" + server.getLocalPort() + "/v1";
            try (OpenAiClient client = client(Optional.empty(), "m", baseUrl, Duration.ofMillis(300))) {
                long started = System.nanoTime();
                assertEquals(Kind.TIMEOUT, failure(client, QUESTION).kind());
                assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5));
            } finally {
                done.countDown();
            }
        }
    }

    @Test
    void aGarbageBodyIsABadResponse() {
        llm.replyGarbage("<html>502 Bad Gateway</html>");
        try (OpenAiClient client = client()) {
            LlmException e = failure(client, QUESTION);
            assertEquals(Kind.BAD_RESPONSE, e.kind());
            assertFalse(e.retryable());
            assertEquals("the LLM's answer is not JSON: <html>502 Bad Gateway</html>", e.getMessage());
        }
    }

    @Test
    void anAnswerWithoutChoicesOrContentIsABadResponse() {
        llm.replyGarbage("{\"choices\": []}")
                .replyGarbage("{\"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": null}}]}")
                .replyGarbage(
                        "{\"choices\": [{\"message\": {\"content\": null, \"refusal\": \"I can't help with that.\"}}]}");
        try (OpenAiClient client = client()) {
            assertTrue(failure(client, QUESTION).getMessage().startsWith("the LLM's answer has no choices"));
            assertTrue(failure(client, QUESTION).getMessage().startsWith("the LLM's answer has no message content"));
            assertEquals("the model refused to answer: I can't help with that.",
                    failure(client, QUESTION).getMessage());
        }
    }

    @Test
    void anUnreachableServerIsAConnectionFailure() {
        String baseUrl = llm.baseUrl();
        llm.close();
        try (OpenAiClient client = client(Optional.of(new Secret(KEY)), "m", baseUrl, Duration.ofSeconds(5))) {
            LlmException e = failure(client, QUESTION);
            assertEquals(Kind.CONNECTION, e.kind());
            assertTrue(e.retryable());
            assertTrue(e.getMessage().startsWith("cannot reach the LLM at " + baseUrl + "/chat/completions: "),
                    e.getMessage());
        }
    }

    @Test
    void aServerWithoutJsonModeIsAskedAgainWithoutItAndRemembered() throws LlmException {
        llm.replyStatus(400, "'response_format.type' must be 'json_schema'")
                .replyJson("{\"sql\": \"SELECT 1\"}")
                .replyJson("{\"sql\": \"SELECT 2\"}");
        try (OpenAiClient client = client()) {
            assertEquals("{\"sql\": \"SELECT 1\"}", client.complete(QUESTION).content());
            assertTrue(client.jsonModeDisabled());
            assertEquals("{\"sql\": \"SELECT 2\"}", client.complete(QUESTION).content());
        }
        List<RecordedRequest> requests = llm.requests();
        assertEquals(3, requests.size());
        assertEquals("json_object", requests.get(0).body().path("response_format").path("type").asText());
        assertTrue(requests.get(1).body().path("response_format").isMissingNode(), "the same request again without it");
        assertEquals(requests.get(0).body().path("messages"), requests.get(1).body().path("messages"));
        assertTrue(requests.get(2).body().path("response_format").isMissingNode(), "later calls skip it");
    }

    @Test
    void openAisDemandToMentionJsonIsABadRequestNotAMissingFeature() {
        llm.replyStatus(400, "'messages' must contain the word 'json' in some form, to use 'response_format' of type "
                + "'json_object'.");
        try (OpenAiClient client = client()) {
            LlmException e = failure(client, ChatRequest.json(List.of(ChatMessage.user("count users"))));
            assertEquals(Kind.BAD_REQUEST, e.kind());
            assertFalse(client.jsonModeDisabled());
        }
        assertEquals(1, llm.requests().size());
    }

    @Test
    void longServerMessagesAreShortened() {
        llm.replyStatus(400, "x".repeat(5_000));
        try (OpenAiClient client = client()) {
            String message = failure(client, QUESTION).getMessage();
            assertTrue(message.length() < 400, "message of " + message.length() + " characters");
            assertTrue(message.endsWith("…"));
        }
    }

    @Test
    void theKeyNeverAppearsInMessagesEvenWhenAServerEchoesIt() {
        llm.replyStatus(401, "Incorrect API key provided: " + KEY)
                .replyStatus(500, "upstream said " + KEY)
                .replyGarbage("not json but contains " + KEY)
                .reply(Reply.error(429, "key " + KEY + " over quota").withHeader("Retry-After", "1"));
        try (OpenAiClient client = client()) {
            for (int i = 0; i < 4; i++) {
                String message = failure(client, QUESTION).getMessage();
                assertTrue(message.contains("****"), message);
            }
            assertFalse(client.toString().contains(KEY), client.toString());
            assertTrue(client.toString().contains("key=****"), client.toString());
        }
    }

    @Test
    void aBaseUrlThatIsNotHttpIsRejectedAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> client(Optional.empty(), "m", "ftp://example.com/v1", Duration.ofSeconds(1)));
        assertEquals("openai.base_url must be an http:// or https:// URL, got ftp://example.com/v1", e.getMessage());
    }
}
