package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One request between its arrival and its answer: the {@link RequestContext} its handler sees, and
 * the cancellation state machine RUNNING → DONE (answered) or RUNNING → CANCELLED (never answered).
 *
 * <p>Thread-safe. The worker {@linkplain #attach attaches} its thread before running the handler
 * and {@linkplain #finish finishes} afterwards; a cancellation in between interrupts exactly that
 * thread, never a thread that has moved on to other work.
 */
final class InFlightRequest implements RequestContext {

    private static final System.Logger logger = System.getLogger(InFlightRequest.class.getName());

    private enum Phase {
        RUNNING, DONE, CANCELLED
    }

    private final Inbound.Request request;
    private final SessionState session;
    private final Outbound out;
    private final ReplySlot reply;
    private final Peer peer;
    private final RequestEnvelope envelope; // null for a request of an initialized (legacy) session
    private final ObjectNode meta;
    private final JsonNode progressToken;

    private final ReentrantLock lock = new ReentrantLock();
    private volatile Phase phase = Phase.RUNNING;
    private Thread thread;
    private final List<Runnable> hooks = new ArrayList<>();

    private final ReentrantLock progressLock = new ReentrantLock();
    private double lastProgress = Double.NEGATIVE_INFINITY;

    /**
     * @param out   where the request's notifications go
     * @param reply where its answer goes
     * @param peer     who sent it
     * @param envelope what a modern request says about itself; null for a request of an initialized
     *                 (legacy) session, which the session's handshake describes
     */
    InFlightRequest(Inbound.Request request, SessionState session, Outbound out, ReplySlot reply, Peer peer,
            RequestEnvelope envelope) {
        this.request = request;
        this.session = session;
        this.out = out;
        this.reply = reply;
        this.peer = Objects.requireNonNull(peer, "peer");
        this.envelope = envelope;
        JsonNode metaNode = request.params().get("_meta");
        this.meta = metaNode instanceof ObjectNode object ? object : JsonRpc.object();
        JsonNode token = meta.get("progressToken");
        this.progressToken = token != null && (token.isTextual() || token.isIntegralNumber()) ? token : null;
    }

    Inbound.Request request() {
        return request;
    }

    ReplySlot reply() {
        return reply;
    }

    /** @return whether the request's notifications and answer go to {@code channel} */
    boolean answersTo(MessageSink channel) {
        return out.isFor(channel);
    }

    /** @return false if the request was cancelled before it started: do not run it */
    boolean attach(Thread worker) {
        lock.lock();
        try {
            if (phase == Phase.CANCELLED) {
                return false;
            }
            thread = worker;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the request: after this no cancellation can interrupt the worker.
     *
     * @return true if the request may be answered, false if it was cancelled
     */
    boolean finish() {
        lock.lock();
        try {
            thread = null;
            if (phase == Phase.CANCELLED) {
                return false;
            }
            phase = Phase.DONE;
            hooks.clear();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Cancels the request if it is still running: runs its hooks, then interrupts its thread (if it is
     * still working on this request).
     *
     * <p>The hooks go first because an interrupt can defeat them: a virtual thread interrupted in a
     * socket read has its socket closed, so a JDBC connection would be dropped before the statement
     * was cancelled — and PostgreSQL would run the statement on, not noticing the client is gone.
     *
     * @param hookRunner runs the hooks and then the interrupt (on another thread, or inline when the
     *                   caller may block)
     * @return whether this call cancelled it
     */
    boolean cancel(Executor hookRunner) {
        List<Runnable> toRun;
        lock.lock();
        try {
            if (phase != Phase.RUNNING) {
                return false;
            }
            phase = Phase.CANCELLED;
            toRun = List.copyOf(hooks);
            hooks.clear();
            if (toRun.isEmpty() && thread != null) {
                thread.interrupt();
            }
        } finally {
            lock.unlock();
        }
        if (!toRun.isEmpty()) {
            hookRunner.execute(() -> {
                toRun.forEach(InFlightRequest::runHook);
                interruptWorker();
            });
        }
        return true;
    }

    private void interruptWorker() {
        lock.lock();
        try {
            if (thread != null) {
                thread.interrupt();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String sessionId() {
        return session.sessionId();
    }

    /** @return whether this is a stateless (2026-07-28 and later) request */
    boolean isModern() {
        return envelope != null;
    }

    @Override
    public String protocolVersion() {
        return envelope != null
                ? envelope.version().wireName()
                : session.protocolVersion().orElse(ProtocolVersion.LATEST).wireName();
    }

    @Override
    public Optional<ClientInfo> clientInfo() {
        return envelope != null
                ? envelope.clientInfo()
                : session.handshake().flatMap(SessionState.Handshake::clientInfo);
    }

    @Override
    public Optional<String> remoteAddress() {
        return peer.address();
    }

    @Override
    public Optional<String> userAgent() {
        return peer.userAgent();
    }

    @Override
    public Optional<String> principal() {
        return peer.principal();
    }

    @Override
    public ObjectNode meta() {
        return meta.deepCopy();
    }

    @Override
    public void progress(double progress, Double total, String message) {
        if (progressToken == null || phase != Phase.RUNNING || !Double.isFinite(progress)) {
            return;
        }
        progressLock.lock();
        try {
            // Checked and sent under one lock so that concurrent callers cannot reorder the values.
            if (progress <= lastProgress) {
                return;
            }
            lastProgress = progress;
            ObjectNode params = JsonRpc.object();
            params.set("progressToken", progressToken);
            params.put("progress", progress);
            if (total != null && Double.isFinite(total)) {
                params.put("total", total.doubleValue());
            }
            if (message != null) {
                params.put("message", message);
            }
            out.send(JsonRpc.notification("notifications/progress", params));
        } finally {
            progressLock.unlock();
        }
    }

    @Override
    public void log(LogLevel level, String loggerName, String message) {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(message, "message");
        // A modern request asks for log messages in its own _meta; without a level it gets none.
        LogLevel threshold = envelope != null ? envelope.logLevel().orElse(null) : session.logLevel();
        if (phase != Phase.RUNNING || threshold == null || level.compareTo(threshold) < 0) {
            return;
        }
        ObjectNode params = JsonRpc.object();
        params.put("level", level.wireName());
        if (loggerName != null) {
            params.put("logger", loggerName);
        }
        params.put("data", message);
        out.send(JsonRpc.notification("notifications/message", params));
    }

    @Override
    public boolean isCancelled() {
        return phase == Phase.CANCELLED;
    }

    @Override
    public void onCancel(Runnable hook) {
        Objects.requireNonNull(hook, "hook");
        lock.lock();
        try {
            if (phase == Phase.RUNNING) {
                hooks.add(hook);
                return;
            }
            if (phase == Phase.DONE) {
                return;
            }
        } finally {
            lock.unlock();
        }
        runHook(hook);
    }

    private static void runHook(Runnable hook) {
        try {
            hook.run();
        } catch (RuntimeException e) {
            logger.log(Level.WARNING, "A cancellation hook failed; continuing", e);
        }
    }

    @Override
    public String toString() {
        return "request " + request.id() + " (" + JsonRpc.abbreviate(request.method()) + ", " + phase + ")";
    }
}
