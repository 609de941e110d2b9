package io.pgmcp.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches JSON objects from authorization servers: 200 only, no redirect (a redirect taken by a client that
 * follows them still counts as a failure), the whole exchange, body included, within the timeout, and at most
 * {@value #MAX_BODY_BYTES} bytes of body. Thread-safe.
 */
final class JsonFetcher {
    static final int MAX_BODY_BYTES = 1 << 20;

    private final HttpClient http;
    private final Duration timeout;

    JsonFetcher(HttpClient http, Duration timeout) {
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    Duration timeout() {
        return timeout;
    }

    /** @throws IOException naming the URL and what went wrong (never a body, header or secret) */
    JsonNode get(URI uri) throws IOException {
        return send(HttpRequest.newBuilder(uri).GET().header("Accept", "application/json").timeout(timeout).build());
    }

    /** POSTs an {@code application/x-www-form-urlencoded} body with the given {@code Authorization} header. */
    JsonNode postForm(URI uri, String form, String authorization) throws IOException {
        return send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(form))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", authorization)
                .timeout(timeout)
                .build());
    }

    private JsonNode send(HttpRequest request) throws IOException {
        URI uri = request.uri();
        CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(request, info -> new CappedBody());
        HttpResponse<byte[]> response;
        try {
            response = pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new IOException(uri + ": no complete answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException(uri + ": interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException(uri + ": " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage()), cause);
        }
        if (response.previousResponse().isPresent()) {
            throw new IOException(uri + ": answered with a redirect, which is not followed");
        }
        if (response.statusCode() != 200) {
            throw new IOException(uri + ": HTTP status " + response.statusCode() + " (200 expected)");
        }
        return AuthJson.object(response.body())
                .orElseThrow(() -> new IOException(uri + ": the answer is not a JSON object"));
    }

    /** Collects a body of at most {@link #MAX_BODY_BYTES}; a longer one cancels the exchange. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + buffer.remaining() > MAX_BODY_BYTES) {
                    subscription.cancel();
                    result.completeExceptionally(new IOException("body longer than " + MAX_BODY_BYTES + " bytes"));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }
}
