package io.pgmcp.mcp;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The channel of one HTTP POST: collects what the session sends for the posted message and writes it
 * as the HTTP response, on the handler's thread (the single writer of this exchange).
 *
 * <p>The answer leaves as {@code application/json} when it is the first thing to leave. If a
 * notification comes first (progress, a log message), or the call stays silent for the keep-alive
 * interval, and the client accepts {@code text/event-stream}, the response becomes an event stream:
 * each message an SSE {@code message} event, silences filled with comment lines, the answer last.
 * A write that fails there means the client went away. A message that gets no answer is acknowledged
 * with 202 (or ends the stream).
 */
final class PostExchange implements MessageChannel {

    /** What became of the exchange. */
    enum Outcome {
        /** answered as JSON */
        ANSWERED,
        /** answered as an event stream */
        STREAMED,
        /** nothing to answer: 202 or an ended stream */
        UNANSWERED,
        /** the client disconnected before the answer: the caller cancels the message's requests */
        CLIENT_GONE
    }

    private sealed interface Event permits Notice, Answer, End {}

    private record Notice(String json) implements Event {}

    private record Answer(String json, int status) implements Event {}

    private record End() implements Event {}

    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    @Override
    public void send(String compactJsonLine) {
        events.add(new Notice(compactJsonLine));
    }

    @Override
    public void answer(String compactJson) {
        events.add(new Answer(compactJson, 200));
    }

    @Override
    public void answer(String compactJson, int httpStatus) {
        events.add(new Answer(compactJson, httpStatus));
    }

    @Override
    public void unanswered() {
        events.add(new End());
    }

    /** @return the answer if it is already there (initialize is answered on the caller's thread) */
    String answerNow() {
        return events.peek() instanceof Answer answer ? answer.json() : null;
    }

    /**
     * Waits for the session's messages and writes them as the response.
     *
     * @param streamAllowed whether the client accepts {@code text/event-stream}
     * @param headers       headers for the response, asked for when it starts (rate limits are then
     *                      current)
     * @param ending        runs just before the end of the response is written (the session's last use
     *                      is then recorded before the client can send its next request)
     */
    Outcome deliver(HttpExchange http, boolean streamAllowed, Duration keepAlive, Supplier<Map<String, String>> headers,
            Runnable ending) {
        OutputStream stream = null;
        try {
            while (true) {
                Event event = events.poll(keepAlive.toNanos(), TimeUnit.NANOSECONDS);
                if (event == null) {
                    if (streamAllowed) {
                        stream = stream != null ? stream : startStream(http, headers);
                        write(stream, KEEP_ALIVE);
                    }
                    continue;
                }
                switch (event) {
                    case Notice notice -> {
                        if (streamAllowed) {
                            stream = stream != null ? stream : startStream(http, headers);
                            write(stream, sseEvent(notice.json()));
                        }
                    }
                    case Answer answer -> {
                        ending.run();
                        if (stream == null) {
                            HttpReplies.json(http, answer.status(), answer.json(), headers.get());
                            return Outcome.ANSWERED;
                        }
                        write(stream, sseEvent(answer.json()));
                        stream.close();
                        return Outcome.STREAMED;
                    }
                    case End end -> {
                        ending.run();
                        if (stream == null) {
                            HttpReplies.empty(http, 202, Map.of());
                        } else {
                            stream.close();
                        }
                        return Outcome.UNANSWERED;
                    }
                }
            }
        } catch (IOException e) {
            return Outcome.CLIENT_GONE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.CLIENT_GONE;
        }
    }

    private static OutputStream startStream(HttpExchange http, Supplier<Map<String, String>> headers)
            throws IOException {
        http.getResponseHeaders().set("Content-Type", "text/event-stream");
        http.getResponseHeaders().set("Cache-Control", "no-cache");
        // A reverse proxy (nginx) must not buffer the stream: progress and keep-alives go out as they happen.
        http.getResponseHeaders().set("X-Accel-Buffering", "no");
        headers.get().forEach(http.getResponseHeaders()::set);
        http.sendResponseHeaders(200, 0);
        return http.getResponseBody();
    }

    private static void write(OutputStream stream, byte[] bytes) throws IOException {
        stream.write(bytes);
        stream.flush();
    }

    /** Compact JSON holds no line break, so one {@code data:} line carries the whole message. */
    private static byte[] sseEvent(String json) {
        return ("event: message\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
