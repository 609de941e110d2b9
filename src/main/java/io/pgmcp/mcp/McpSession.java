package io.pgmcp.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * One MCP client connection, independent of the transport: it classifies inbound messages, runs
 * each request on its own thread, tracks requests in flight for cancellation, and sends responses
 * and notifications through a {@link MessageSink}.
 *
 * <p><b>Two eras.</b> A request whose {@code params._meta} names a protocol revision
 * ({@code io.modelcontextprotocol/protocolVersion}, 2026-07-28 and later) is served statelessly: its
 * revision, client capabilities, client info and log level come from its own {@code _meta}
 * ({@link RequestEnvelope}), nothing from earlier requests, and it needs no handshake. It is checked
 * before it runs — revision ({@code -32022}), mirrored HTTP headers ({@code -32020}), envelope
 * ({@code -32602}), method ({@code -32601}), client capabilities ({@code -32021}) — and such a
 * rejection tells an HTTP channel its status (404 for an unknown method, else 400); its result carries
 * {@code resultType}, the server's identity in {@code _meta} and, for lists and reads, caching hints.
 * Every other request belongs to the legacy (2025) era and its session.
 *
 * <p><b>Legacy lifecycle.</b> Before {@code initialize} has been answered, only {@code initialize}
 * and {@code ping} are served; every other legacy request gets {@code -32600} "Server not
 * initialized: send initialize first", and batches are refused. {@code initialize} itself is handled
 * on the calling thread, so the negotiated version is settled before the next message is looked at;
 * every other request runs on the executor. {@code notifications/initialized} is accepted but not
 * required: the session is operational as soon as {@code initialize} is answered. Modern requests are
 * served before, during and after a legacy session alike.
 *
 * <p><b>Thread-safety.</b> All methods are thread-safe. A transport normally calls {@link #handle}
 * from one reader thread, in arrival order; responses may leave in any order.
 *
 * <p><b>Errors.</b> A protocol handler's unexpected exception becomes {@code -32603} "Internal error"
 * (details go to the log, never to the wire); a tool's exception becomes a tool result with
 * {@code isError} through the {@code toolErrorMapper}.
 */
public final class McpSession {

    private static final System.Logger logger = System.getLogger(McpSession.class.getName());

    private static final ObjectNode GENERIC_TOOL_ERROR = JsonRpc.object()
            .put("success", false)
            .put("error_code", "INTERNAL_ERROR")
            .put("error_message", "Internal error");

    /** How long {@link #close} waits for cancelled requests to unwind. */
    static final Duration CANCEL_GRACE = Duration.ofSeconds(2);

    private final SessionState state;
    private final ServerMethods methods;
    private final MessageSink sink;
    private final Outbound out;
    private final ExecutorService executor;
    private final Map<RequestId, InFlightRequest> inFlight = new ConcurrentHashMap<>();
    private final ReentrantLock closeLock = new ReentrantLock();
    private volatile boolean closing;
    private boolean closed; // guarded by closeLock

    /**
     * @param server          what to say in {@code initialize}, {@code server/discover} and modern results' {@code _meta}
     * @param registry        the tools and resources to serve
     * @param toolErrorMapper turns anything a tool throws into an error result; should log what it
     *                        does not show, and must not put internals on the wire
     * @param cacheHints      the caching hints of modern list and read results
     * @param sink            the transport's single writer
     * @param executor        runs requests, one task each; owned (shut down) by the session
     * @param sessionId       identifies the connection in logs and {@link RequestContext#sessionId()}
     */
    public McpSession(ServerInfo server, Registry registry, Function<Throwable, ToolResult> toolErrorMapper,
            CacheHints cacheHints, MessageSink sink, ExecutorService executor, String sessionId) {
        this.state = new SessionState(Objects.requireNonNull(sessionId, "sessionId"));
        this.methods = new ServerMethods(Objects.requireNonNull(server, "server"),
                Objects.requireNonNull(registry, "registry"),
                Objects.requireNonNull(toolErrorMapper, "toolErrorMapper"), state,
                Objects.requireNonNull(cacheHints, "cacheHints"));
        this.sink = Objects.requireNonNull(sink, "sink");
        this.out = new Outbound(sink);
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** With {@link CacheHints#DEFAULT}. */
    public McpSession(ServerInfo server, Registry registry, Function<Throwable, ToolResult> toolErrorMapper,
            MessageSink sink, ExecutorService executor, String sessionId) {
        this(server, registry, toolErrorMapper, CacheHints.DEFAULT, sink, executor, sessionId);
    }

    /** Like the full constructor, running each request on a new virtual thread. */
    public McpSession(ServerInfo server, Registry registry, Function<Throwable, ToolResult> toolErrorMapper,
            CacheHints cacheHints, MessageSink sink, String sessionId) {
        this(server, registry, toolErrorMapper, cacheHints, sink,
                Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("mcp-request-", 0).factory()), sessionId);
    }

    /** With {@link CacheHints#DEFAULT}, running each request on a new virtual thread. */
    public McpSession(ServerInfo server, Registry registry, Function<Throwable, ToolResult> toolErrorMapper,
            MessageSink sink, String sessionId) {
        this(server, registry, toolErrorMapper, CacheHints.DEFAULT, sink, sessionId);
    }

    /**
     * A mapper for tests and as a last resort: logs the throwable and answers
     * {@code {"success":false,"error_code":"INTERNAL_ERROR","error_message":"Internal error"}}.
     */
    public static Function<Throwable, ToolResult> genericToolErrorMapper() {
        return failure -> {
            logger.log(Level.ERROR, "Tool call failed", failure);
            return genericToolError();
        };
    }

    static ToolResult genericToolError() {
        return ToolResult.error(GENERIC_TOOL_ERROR.deepCopy());
    }

    /** @return the id given at construction */
    public String sessionId() {
        return state.sessionId();
    }

    /** @return the negotiated protocol version, empty before {@code initialize} was answered */
    public Optional<ProtocolVersion> protocolVersion() {
        return state.protocolVersion();
    }

    /** Handles one inbound message (a JSON object or batch); answers go to the session's sink. */
    public void handle(String message) {
        handle(message, sink);
    }

    /**
     * Handles one inbound message, sending its answers and its requests' notifications to
     * {@code replyTo} (a transport with a channel per message, such as Streamable HTTP, passes that
     * channel). Never throws for bad input: every problem is answered on the wire. After
     * {@link #close} the message is dropped.
     */
    public void handle(String message, MessageSink replyTo) {
        if (closing) {
            logger.log(Level.DEBUG, () -> "Session " + sessionId() + " is closing; message dropped");
            return;
        }
        handle(parse(message), replyTo, Peer.NONE, MirroredHeaders.NONE);
    }

    /** @return the parsed message, or {@code null} if it is not JSON (answered with {@code -32700}) */
    static JsonNode parse(String message) {
        try {
            JsonNode node = JsonRpc.parse(message);
            return node.isMissingNode() ? null : node;
        } catch (JsonProcessingException e) {
            logger.log(Level.DEBUG, () -> "Unparseable message: " + e.getOriginalMessage());
            return null;
        }
    }

    /**
     * Handles one parsed message (or {@code null} for one that did not parse) for a transport with a
     * channel per message: the message's answer and its requests' notifications go to
     * {@code replyTo}, and if that is a {@link MessageChannel} it learns the end of the message —
     * an answer, or that none will come (also when the session is closing).
     *
     * @param peer    who sent it, for {@link RequestContext#remoteAddress()} and
     *                {@link RequestContext#userAgent()}
     * @param headers the HTTP headers a modern request mirrors from its body, checked against it;
     *                {@link MirroredHeaders#NONE} on stdio and for legacy sessions
     */
    void handle(JsonNode node, MessageSink replyTo, Peer peer, MirroredHeaders headers) {
        Outbound target = replyTo == sink ? out : new Outbound(replyTo);
        if (closing) {
            logger.log(Level.DEBUG, () -> "Session " + sessionId() + " is closing; message dropped");
            target.unanswered();
            return;
        }
        if (node == null) {
            target.answer(JsonRpc.parseError("Parse error"));
        } else if (node.isArray()) {
            handleBatch((ArrayNode) node, target, peer);
        } else {
            dispatch(Inbound.classify(node), ReplySlot.direct(target), target, false, peer, headers);
        }
    }

    /**
     * Cancels the requests in flight whose answers go to {@code channel} (its client went away), as
     * {@code notifications/cancelled} would: their statements are cancelled and they are not answered.
     *
     * @return how many requests were cancelled
     */
    int cancelRequestsOf(MessageSink channel) {
        int cancelled = 0;
        for (InFlightRequest request : List.copyOf(inFlight.values())) {
            if (request.answersTo(channel)
                    && request.cancel(hooks -> Thread.ofVirtual().name("mcp-cancel").start(hooks))) {
                cancelled++;
            }
        }
        return cancelled;
    }

    private void handleBatch(ArrayNode batch, Outbound target, Peer peer) {
        Optional<ProtocolVersion> version = state.protocolVersion();
        String refusal = version.isEmpty()
                ? "Batches are not supported before initialize"
                : !version.get().supportsBatches()
                        ? "Batches are not supported in protocol version " + version.get().wireName()
                        : batch.isEmpty() ? "Invalid Request: empty batch" : null;
        if (refusal != null) {
            target.answer(JsonRpc.error(null, JsonRpcException.invalidRequest(refusal)));
            return;
        }
        List<Inbound> members = new ArrayList<>(batch.size());
        batch.forEach(member -> members.add(Inbound.classify(member)));
        // Slots are counted before anything runs: the array leaves when the last answered member is done.
        int answered = (int) members.stream().filter(McpSession::isAnswered).count();
        ReplySlot.Batch replies = new ReplySlot.Batch(answered, target);
        int slot = 0;
        for (Inbound member : members) {
            dispatch(member, isAnswered(member) ? replies.slot(slot++) : null, target, true, peer,
                    MirroredHeaders.NONE);
        }
        if (answered == 0) {
            target.unanswered();
        }
    }

    private static boolean isAnswered(Inbound message) {
        return message instanceof Inbound.Request || message instanceof Inbound.Invalid;
    }

    /** @param reply null for a batch member that is not answered (a notification or response) */
    private void dispatch(Inbound message, ReplySlot reply, Outbound target, boolean inBatch, Peer peer,
            MirroredHeaders headers) {
        switch (message) {
            case Inbound.Invalid invalid -> reply.respond(JsonRpc.error(invalid.id(), invalid.error()));
            case Inbound.Ignored ignored -> {
                logger.log(Level.DEBUG, () -> "Ignored: " + ignored.why());
                if (reply != null) {
                    reply.drop();
                }
            }
            case Inbound.Notification notification -> {
                onNotification(notification);
                if (reply != null) {
                    reply.drop();
                }
            }
            case Inbound.Request request -> onRequest(request, reply, target, inBatch, peer, headers);
        }
    }

    private void onNotification(Inbound.Notification notification) {
        switch (notification.method()) {
            case "notifications/initialized" -> state.clientInitialized();
            case "notifications/cancelled" -> onCancelled(notification.params());
            default ->
                logger.log(Level.DEBUG, () -> "Ignored notification " + JsonRpc.abbreviate(notification.method()));
        }
    }

    private void onCancelled(ObjectNode params) {
        JsonNode id = params.get("requestId");
        if (!RequestId.isValid(id)) {
            logger.log(Level.DEBUG, () -> "Ignored notifications/cancelled without a valid requestId");
            return;
        }
        InFlightRequest request = inFlight.get(RequestId.of(id));
        // Hooks may block (a JDBC cancel opens a connection): run them off the reader thread.
        if (request != null && request.cancel(hooks -> Thread.ofVirtual().name("mcp-cancel").start(hooks))) {
            JsonNode reason = params.get("reason");
            logger.log(Level.DEBUG, () -> "Cancelled " + request
                    + (reason != null && reason.isTextual() ? ": " + JsonRpc.abbreviate(reason.textValue()) : ""));
        }
    }

    private void onRequest(Inbound.Request request, ReplySlot reply, Outbound target, boolean inBatch, Peer peer,
            MirroredHeaders headers) {
        if ("initialize".equals(request.method())) {
            reply.respond(inBatch
                    ? JsonRpc.error(request.idNode(),
                            JsonRpcException.invalidRequest("Invalid Request: initialize must not be part of a batch"))
                    : initialize(request));
            return;
        }
        RequestEnvelope envelope = null;
        if (isModern(request, headers)) {
            try {
                if (inBatch) {
                    throw JsonRpcException
                            .invalidRequest("Invalid Request: protocol revision 2026-07-28 has no batches");
                }
                envelope = admitModern(request, headers);
            } catch (JsonRpcException e) {
                // Refused before it ran: on HTTP the status says so (the spec's 400 / 404), not only the body.
                reply.respond(JsonRpc.error(request.idNode(), e),
                        e.code() == JsonRpcException.METHOD_NOT_FOUND ? 404 : 400);
                return;
            }
        } else if (state.handshake().isEmpty() && !"ping".equals(request.method())) {
            reply.respond(JsonRpc.error(request.idNode(),
                    JsonRpcException.invalidRequest("Server not initialized: send initialize first")));
            return;
        }
        InFlightRequest inflight = new InFlightRequest(request, state, target, reply, peer, envelope);
        if (inFlight.putIfAbsent(request.id(), inflight) != null) {
            reply.respond(JsonRpc.error(request.idNode(), JsonRpcException.invalidRequest("Duplicate request id")));
            return;
        }
        try {
            executor.execute(() -> run(inflight));
        } catch (RejectedExecutionException e) {
            // Only while closing: the request is dropped like every request that outlives the session.
            inFlight.remove(request.id(), inflight);
            inflight.cancel(Runnable::run);
            reply.drop();
            logger.log(Level.DEBUG, () -> "Session " + sessionId() + " is closing; " + inflight + " dropped");
        }
    }

    /**
     * A request is modern when its {@code _meta} names a revision, when its HTTP header names a modern
     * one (a missing envelope is then an error, not a fall back to the legacy era), or when its method
     * exists only in the modern era ({@code server/discover}) and no handshake happened (so the answer
     * names the missing envelope; inside a legacy session the method is not found).
     */
    private boolean isModern(Inbound.Request request, MirroredHeaders headers) {
        return RequestEnvelope.claimsVersion(request.params()) || headers.claimsModern()
                || methods.isModernOnly(request.method()) && state.handshake().isEmpty();
    }

    /** The checks of a modern request before it runs, in the order the spec and its SDKs answer them. */
    private RequestEnvelope admitModern(Inbound.Request request, MirroredHeaders headers) throws JsonRpcException {
        ObjectNode params = request.params();
        ProtocolVersion version = RequestEnvelope.requestedVersion(params);
        headers.verify(request.method(), params, version, methods.nameField(request.method()));
        RequestEnvelope envelope = RequestEnvelope.of(params, version);
        ServerMethods.Route route = methods.route(request.method(), true);
        envelope.require(route.requires());
        return envelope;
    }

    private ObjectNode initialize(Inbound.Request request) {
        try {
            return JsonRpc.result(request.idNode(), methods.initialize(request.params()));
        } catch (JsonRpcException e) {
            return JsonRpc.error(request.idNode(), e);
        }
    }

    /**
     * The top of a request's thread: always ends with exactly one answer or drop, then runs what the request left
     * for after it ({@link AfterReply}).
     */
    private void run(InFlightRequest inflight) {
        AfterReply.Scope scope = AfterReply.open();
        try {
            answer(inflight);
        } finally {
            scope.close();
        }
    }

    private void answer(InFlightRequest inflight) {
        Inbound.Request request = inflight.request();
        ObjectNode response = null;
        try {
            if (inflight.attach(Thread.currentThread())) {
                response = JsonRpc.result(request.idNode(), methods.call(request.method(), request.params(), inflight));
            }
        } catch (JsonRpcException e) {
            response = JsonRpc.error(request.idNode(), e);
        } catch (Exception e) {
            if (!inflight.isCancelled()) {
                logger.log(Level.ERROR, "Internal error in " + inflight + " of session " + sessionId(), e);
            }
        } finally {
            boolean answer = inflight.finish();
            // Removed before answering, so a client that reuses the id after the answer is not refused.
            inFlight.remove(request.id(), inflight);
            Thread.interrupted(); // a cancellation's interrupt must not leak into the executor's thread
            if (answer) {
                inflight.reply().respond(response != null
                        ? response
                        : JsonRpc.error(request.idNode(), JsonRpc.internalError()));
            } else {
                inflight.reply().drop();
            }
        }
    }

    /**
     * Shuts the session down: stops accepting messages, waits up to {@code drain} for requests in
     * flight to be answered, then cancels the rest (interrupts them and runs their cancel hooks on
     * this thread) without answering them, and shuts the executor down. Idempotent; a concurrent
     * caller waits for the first to finish. If interrupted, cancels at once and keeps the interrupt.
     */
    public void close(Duration drain) {
        closeLock.lock();
        try {
            if (closed) {
                return;
            }
            closing = true;
            executor.shutdown();
            boolean drained;
            try {
                drained = executor.awaitTermination(Math.max(0, drain.toNanos()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                drained = false;
            }
            if (!drained) {
                List<InFlightRequest> remaining = List.copyOf(inFlight.values());
                remaining.forEach(request -> request.cancel(Runnable::run));
                if (!remaining.isEmpty()) {
                    logger.log(Level.WARNING, () -> "Session " + sessionId() + ": cancelled " + remaining.size()
                            + " request(s) still running after the drain of " + drain.toMillis() + " ms");
                }
                executor.shutdownNow();
                awaitCancelled();
            }
            closed = true;
        } finally {
            closeLock.unlock();
        }
    }

    /**
     * Gives cancelled requests a moment to unwind (their statements are cancelled, their audit events
     * written) before the caller goes on to close what they use; bounded, so a request that ignores
     * its interrupt cannot hold the shutdown.
     */
    private void awaitCancelled() {
        if (Thread.currentThread().isInterrupted()) {
            return;
        }
        try {
            if (!executor.awaitTermination(CANCEL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                logger.log(Level.WARNING, () -> "Session " + sessionId() + ": cancelled requests still running after "
                        + CANCEL_GRACE.toMillis() + " ms; closing anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
