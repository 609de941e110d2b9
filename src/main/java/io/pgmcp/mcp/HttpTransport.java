package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.pgmcp.auth.AuthOutcome;
import io.pgmcp.auth.Authenticator;
import io.pgmcp.auth.Principal;
import io.pgmcp.config.HttpConfig;
import io.pgmcp.config.Secret;
import io.pgmcp.config.TlsConfig;
import io.pgmcp.resilience.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * MCP over Streamable HTTP, both eras (2026-07-28 stateless, 2025-03-26 to 2025-11-25 with sessions),
 * on the JDK's {@link HttpServer}, one virtual thread per exchange: the endpoint {@code /mcp}, and
 * {@code /healthz} and {@code /readyz} for operations.
 *
 * <p><b>{@code /mcp}.</b> Every request passes the {@link OriginPolicy} (403) and, when tokens are
 * configured, the {@link Authenticator} (static tokens, OAuth access tokens): 401 with {@code WWW-Authenticate:
 * Bearer} (naming the Protected Resource Metadata with OAuth) or 403 {@code insufficient_scope}; then the caller
 * gets the view of the server its principal may see ({@link CallerSessions}; 403 when none). A POST carries one
 * JSON-RPC message (a batch too, on 2025-03-26), at most {@code maxBodyBytes} (413). A message with
 * requests is answered as described in {@link PostExchange}; one without (notifications, responses)
 * with 202. GET is 405: the server never sends messages of its own accord.
 *
 * <p><b>2026-07-28.</b> A POST whose body's {@code _meta} names a revision, or whose
 * {@code MCP-Protocol-Version} names a modern one, is served by a session of that one message, built
 * and closed around it: nothing outlives the POST, so any instance behind a balancer can answer the
 * next. Its mirrored headers are checked against the body ({@link MirroredHeaders}); a refusal before
 * it runs is 400 or 404 with the JSON-RPC error. No {@code Mcp-Session-Id} is minted or needed.
 *
 * <p><b>2025 sessions</b> are one {@link McpSession} each, the same as on stdio, held in a
 * {@link SessionTable}: an {@code initialize} without {@code Mcp-Session-Id} creates one and answers
 * with its id; every other message needs the id (400 without, 404 for an unknown, expired or shed
 * session); DELETE ends it, cancelling its calls in flight; an unknown {@code MCP-Protocol-Version} is
 * 400. Sessions are bounded overall (503) and per client (429), shed when half-open or idle under
 * pressure, and expire when idle (swept every minute or sooner). A client that disconnects while its
 * call runs is noticed when the event stream's keep-alive cannot be written, and the call is cancelled
 * (only for clients that accept event streams; a JSON-only client's call runs to its end). Below HTTP,
 * the JDK server closes a connection that has not sent a whole request within the read timeout.
 *
 * <p><b>Operations.</b> {@code GET /healthz} is 200 while the process serves; {@code GET /readyz}
 * is 200 when every database is reachable and 503 naming those that are not. Neither needs a token
 * (load balancers call them); both pass the Host and Origin checks. {@link #stop} stops accepting
 * (503 to anything new), drains the calls in flight for up to the given bound, cancels the rest and
 * closes the listener. Thread-safe.
 */
public final class HttpTransport {

    private static final System.Logger logger = System.getLogger(HttpTransport.class.getName());

    /** The MCP endpoint's path. */
    public static final String ENDPOINT = "/mcp";

    private final HttpServer server;
    private final ExecutorService executor;
    private final boolean tls;
    private final HttpLimits limits;
    private final CallerSessions callers;
    private final ResponseHeaders responseHeaders;
    private final Readiness readiness;
    private final Authenticator auth;
    /** The URL of the Protected Resource Metadata named in challenges; empty without OAuth. */
    private final Optional<String> resourceMetadataUrl;
    /** The paths the Protected Resource Metadata is served at; empty without OAuth. */
    private final java.util.Set<String> resourceMetadataPaths;
    private final OriginPolicy origins;
    private final SessionTable sessions;
    /** The one-message sessions of stateless requests being served, for {@link #stop} to drain. */
    private final java.util.Set<McpSession> statelessInFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Thread sweeper;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private HttpTransport(HttpServer server, ExecutorService executor, boolean tls, HttpConfig config,
            HttpLimits limits, Authenticator auth,
            CallerSessions callers, ResponseHeaders responseHeaders,
            Readiness readiness, Ticker ticker) {
        this.server = server;
        this.executor = executor;
        this.tls = tls;
        this.limits = limits;
        this.callers = callers;
        this.responseHeaders = responseHeaders;
        this.readiness = readiness;
        this.auth = auth;
        this.resourceMetadataUrl = config.oauth().map(oauth -> resourceMetadataUrl(URI.create(oauth.resource())));
        this.resourceMetadataPaths = config.oauth().map(oauth -> resourceMetadataPaths(URI.create(oauth.resource())))
                .orElse(java.util.Set.of());
        this.origins = new OriginPolicy(config, server.getAddress().getPort());
        this.sessions = new SessionTable(limits.maxSessions(), limits.maxSessionsPerClient(),
                limits.sessionIdleTimeout(),
                ticker, Duration.ZERO);
        Duration sweepEvery = limits.sessionIdleTimeout().dividedBy(2).compareTo(Duration.ofMinutes(1)) < 0
                ? limits.sessionIdleTimeout().dividedBy(2)
                : Duration.ofMinutes(1);
        this.sweeper = Thread.ofVirtual().name("mcp-http-sweeper").unstarted(() -> sweepEvery(sweepEvery));
    }

    /**
     * Binds {@code config.host():config.port()} (port 0: any free port), with TLS when
     * {@code config.tls()} is given, and starts serving.
     *
     * @param sessionFactory builds a session from its id and its sink for server-initiated messages
     * @throws IOException if the address cannot be bound or the keystore cannot be read (the message
     *                     says which, without the password)
     */
    public static HttpTransport start(HttpConfig config, HttpLimits limits,
            BiFunction<String, MessageSink, McpSession> sessionFactory,
            ResponseHeaders responseHeaders, Readiness readiness, Ticker ticker) throws IOException {
        Objects.requireNonNull(sessionFactory, "sessionFactory");
        if (config.oauth().isPresent()) {
            throw new IllegalArgumentException("OAuth needs the start with an Authenticator and a clock");
        }
        // static tokens only: the authenticator never reads its clock
        Authenticator tokens = new Authenticator(config.authTokens(), Optional.empty(),
                Authenticator.httpClient(Optional.empty()), java.time.Clock.fixed(java.time.Instant.EPOCH,
                        java.time.ZoneOffset.UTC));
        return start(config, limits, tokens, CallerSessions.everyone(sessionFactory), responseHeaders, readiness,
                ticker);
    }

    /**
     * Binds {@code config.host():config.port()} (port 0: any free port), with TLS when
     * {@code config.tls()} is given, and starts serving: {@code auth} tells who calls, {@code callers}
     * what each caller may see.
     *
     * @throws IOException if the address cannot be bound or the keystore cannot be read (the message
     *                     says which, without the password)
     */
    public static HttpTransport start(HttpConfig config, HttpLimits limits, Authenticator auth,
            CallerSessions callers, ResponseHeaders responseHeaders, Readiness readiness, Ticker ticker)
            throws IOException {
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(callers, "callers");
        Objects.requireNonNull(responseHeaders, "responseHeaders");
        Objects.requireNonNull(readiness, "readiness");
        Objects.requireNonNull(ticker, "ticker");
        boundRequestReadTime(limits.requestReadTimeout());
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        if (address.isUnresolved()) {
            throw new IOException("cannot resolve server.http.host '" + config.host() + "'");
        }
        HttpServer server;
        if (config.tls().isPresent()) {
            SSLContext context = sslContext(config.tls().get());
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(context));
            server = https;
        } else {
            server = HttpServer.create(address, 0);
        }
        ExecutorService executor = Executors
                .newThreadPerTaskExecutor(Thread.ofVirtual().name("mcp-http-", 0).factory());
        server.setExecutor(executor);
        HttpTransport transport = new HttpTransport(server, executor, config.tls().isPresent(), config, limits,
                auth, callers, responseHeaders, readiness, ticker);
        server.createContext("/", transport::serve);
        server.start();
        transport.sweeper.start();
        return transport;
    }

    private static SSLContext sslContext(TlsConfig tls) throws IOException {
        char[] password = tls.password().map(Secret::reveal).orElse("").toCharArray();
        try {
            KeyStore keyStore = KeyStore.getInstance(tls.keystore().toFile(), password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException("cannot load the TLS keystore " + tls.keystore() + ": " + e.getMessage(), e);
        }
    }

    /** The JDK server's property that bounds how long reading a request may take (whole seconds). */
    static final String MAX_REQUEST_TIME_PROPERTY = "sun.net.httpserver.maxReqTime";

    /**
     * Bounds how long a connection may take to deliver a whole request. The JDK server waits forever by
     * default, so a client that opens connections and sends half a request (a half-open socket) holds
     * each one — a file descriptor and a thread — until it goes away. The server reads the property once
     * per JVM, when it is first used: the first transport's value holds for all (a different later one
     * is logged), and a value given with {@code -D} wins.
     */
    private static void boundRequestReadTime(Duration timeout) {
        String wanted = Long.toString(timeout.toSeconds());
        String current = System.getProperty(MAX_REQUEST_TIME_PROPERTY);
        if (current == null) {
            System.setProperty(MAX_REQUEST_TIME_PROPERTY, wanted);
        } else if (!current.equals(wanted)) {
            logger.log(Level.WARNING, () -> MAX_REQUEST_TIME_PROPERTY + " is already " + current
                    + " s in this JVM; server.http.request_read_timeout (" + wanted + " s) does not change it");
        }
    }

    /** @return the bound address (the real port when 0 was configured) */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** @return the MCP endpoint's URL, e.g. {@code http://127.0.0.1:8080/mcp} */
    public URI endpoint() {
        InetSocketAddress bound = address();
        String host = bound.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create((tls ? "https" : "http") + "://" + host + ":" + bound.getPort() + ENDPOINT);
    }

    /** @return the number of live sessions */
    public int sessionCount() {
        return sessions.size();
    }

    /** Removes sessions idle for longer than the idle timeout now; the sweeper does this periodically. */
    public int expireIdleSessions() {
        return sessions.sweep();
    }

    /** Blocks until {@link #stop} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /**
     * Stops: refuses new requests with 503, lets calls in flight finish for up to {@code drain},
     * cancels the rest, then closes the listener. Idempotent; a second caller returns at once.
     */
    public void stop(Duration drain) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        logger.log(Level.INFO, () -> "HTTP transport stopping: draining " + sessions.size() + " session(s) for up to "
                + drain.toMillis() + " ms");
        sweeper.interrupt();
        List<Thread> statelessClosers = statelessInFlight.stream()
                .map(session -> Thread.ofVirtual().name("mcp-http-close").start(() -> session.close(drain))).toList();
        sessions.closeAll(drain);
        for (Thread closer : statelessClosers) {
            try {
                closer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.stop(1);
        executor.shutdownNow();
        stopped.countDown();
    }

    private void sweepEvery(Duration interval) {
        while (!stopping.get()) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
            try {
                sessions.sweep();
            } catch (RuntimeException e) {
                logger.log(Level.ERROR, "Sweeping idle HTTP sessions failed; trying again later", e);
            }
        }
    }

    /** The top of every exchange. */
    private void serve(HttpExchange http) {
        try (http) {
            route(http);
        } catch (IOException e) {
            logger.log(Level.DEBUG, () -> "HTTP exchange ended early: " + e.getMessage());
        } catch (RuntimeException e) {
            logger.log(Level.ERROR, "Unexpected failure serving " + http.getRequestMethod() + " "
                    + http.getRequestURI().getPath(), e);
            try {
                HttpReplies.error(http, 500, JsonRpcException.INTERNAL_ERROR, "Internal error", Map.of());
            } catch (IOException | RuntimeException ignored) {
                // the response was already under way; the client sees a broken one
            }
        }
    }

    private void route(HttpExchange http) throws IOException {
        Headers request = http.getRequestHeaders();
        if (stopping.get()) {
            HttpReplies.error(http, 503, -32000, "Server is shutting down", Map.of("Connection", "close"));
            return;
        }
        if (!origins.allowsHost(request.getFirst("Host"))) {
            HttpReplies.error(http, 403, -32000, "Forbidden: Host header does not name this server", Map.of());
            return;
        }
        if (!origins.allowsOrigin(request.getFirst("Origin"))) {
            HttpReplies.error(http, 403, -32000, "Forbidden: Origin not allowed (server.http.allowed_origins)",
                    Map.of());
            return;
        }
        String path = http.getRequestURI().getPath();
        if (resourceMetadataPaths.contains(path)) {
            resourceMetadata(http);
            return;
        }
        switch (path) {
            case "/healthz" -> health(http, false);
            case "/readyz" -> health(http, true);
            case ENDPOINT -> mcp(http);
            default -> HttpReplies.error(http, 404, -32000, "Not found: the MCP endpoint is " + ENDPOINT, Map.of());
        }
    }

    /**
     * The Protected Resource Metadata (RFC 9728) at the well-known path the resource's URI gives (and at the
     * bare one): what clients read to find the authorization server. Public, like the challenge naming it.
     */
    private void resourceMetadata(HttpExchange http) throws IOException {
        if (!http.getRequestMethod().equals("GET") && !http.getRequestMethod().equals("HEAD")) {
            HttpReplies.error(http, 405, -32000, "Method not allowed", Map.of("Allow", "GET, HEAD"));
            return;
        }
        HttpReplies.json(http, 200, auth.protectedResourceMetadata().orElseThrow(),
                Map.of("Cache-Control", "max-age=3600"));
    }

    /**
     * The URL of the metadata of {@code resource} by RFC 9728's rule: the well-known path inserted between
     * the host and the resource's path ({@code https://h/mcp} → {@code https://h/.well-known/oauth-protected-resource/mcp}).
     */
    static String resourceMetadataUrl(URI resource) {
        String path = resource.getRawPath() == null || resource.getRawPath().equals("/") ? "" : resource.getRawPath();
        return resource.getScheme() + "://" + resource.getRawAuthority() + WELL_KNOWN_RESOURCE + path;
    }

    private static java.util.Set<String> resourceMetadataPaths(URI resource) {
        String path = resource.getPath() == null || resource.getPath().equals("/") ? "" : resource.getPath();
        // the resource's own path (usually /mcp, the endpoint), the endpoint's, and the bare one
        return java.util.Set.copyOf(java.util.List.of(WELL_KNOWN_RESOURCE, WELL_KNOWN_RESOURCE + path,
                WELL_KNOWN_RESOURCE + ENDPOINT));
    }

    /** RFC 9728's well-known path. */
    static final String WELL_KNOWN_RESOURCE = "/.well-known/oauth-protected-resource";

    private void health(HttpExchange http, boolean ready) throws IOException {
        if (!http.getRequestMethod().equals("GET") && !http.getRequestMethod().equals("HEAD")) {
            HttpReplies.error(http, 405, -32000, "Method not allowed", Map.of("Allow", "GET, HEAD"));
            return;
        }
        if (!ready) {
            HttpReplies.json(http, 200, "{\"status\":\"ok\"}", Map.of());
            return;
        }
        List<String> down = readiness.unavailable();
        if (down.isEmpty()) {
            HttpReplies.json(http, 200, "{\"status\":\"ready\"}", Map.of());
            return;
        }
        ObjectNode body = JsonRpc.object().put("status", "unavailable");
        down.forEach(body.putArray("unavailable_databases")::add);
        HttpReplies.json(http, 503, JsonRpc.write(body), Map.of());
    }

    private void mcp(HttpExchange http) throws IOException {
        Headers request = http.getRequestHeaders();
        Optional<Principal> principal = Optional.empty();
        if (!auth.isOpen()) {
            switch (auth.authenticate(request.getFirst("Authorization"))) {
                case AuthOutcome.Authenticated authenticated -> principal = Optional.of(authenticated.principal());
                case AuthOutcome.Refused refused -> {
                    HttpReplies.error(http, refused.status(), -32000,
                            (refused.status() == 403 ? "Forbidden: " : "Unauthorized: ") + refused.description(),
                            Map.of("WWW-Authenticate", Authenticator.challenge(refused, resourceMetadataUrl)));
                    return;
                }
            }
        }
        Optional<CallerSessions.View> view = callers.forCaller(principal);
        if (view.isEmpty()) {
            HttpReplies.error(http, 403, -32000, "Forbidden: no database is configured for this caller"
                    + " (principals in the configuration)", Map.of());
            return;
        }
        Caller caller = new Caller(principal, view.get());
        String version = request.getFirst("MCP-Protocol-Version");
        if (version != null && !http.getRequestMethod().equals("POST")
                && ProtocolVersion.fromWireName(version.strip()).isEmpty()) {
            HttpReplies.error(http, 400, -32000, "Bad Request: unsupported MCP-Protocol-Version '"
                    + JsonRpc.abbreviate(version) + "' (supported: " + supportedVersions() + ")", Map.of());
            return;
        }
        switch (http.getRequestMethod()) {
            case "POST" -> post(http, caller);
            case "DELETE" -> delete(http, caller.owner());
            default -> HttpReplies.error(http, 405, -32000,
                    "Method not allowed: POST a JSON-RPC message or DELETE the session",
                    Map.of("Allow", "POST, DELETE"));
        }
    }

    private static String supportedVersions() {
        return String.join(", ",
                java.util.Arrays.stream(ProtocolVersion.values()).map(ProtocolVersion::wireName).toList());
    }

    /**
     * Who is calling: the principal its credentials proved, and the view of the server it may see.
     */
    private record Caller(Optional<Principal> principal, CallerSessions.View view) {
        /** A principal's identity: a token's name, or an OAuth principal of its issuer. */
        Optional<String> identity() {
            return principal.map(p -> switch (p.source()) {
                case TOKEN -> "token:" + p.name();
                case OAUTH -> "oauth:" + p.issuer().orElse("") + "#" + p.name();
            });
        }

        /**
         * Whom a 2025 session answers: its creator's identity in the view it was made in ("" without
         * authentication); a caller whose view changed since (its groups did) no longer finds it.
         */
        String owner() {
            return identity().isEmpty() && view.name().isEmpty() ? "" : identity().orElse("") + "|" + view.name();
        }

        /** The client that the per-client bounds count: its identity, or its address without authentication. */
        String client(Peer peer) {
            return identity().orElseGet(() -> "ip:" + peer.address().orElse("unknown"));
        }

        Peer peer(HttpExchange http) {
            return new Peer(Optional.of(http.getRemoteAddress().getAddress().getHostAddress()),
                    Optional.ofNullable(http.getRequestHeaders().getFirst("User-Agent")),
                    principal.map(Principal::name));
        }
    }

    /** @param owner the session's owner ({@link Caller#owner()}): a session answers only to its creator */
    private void delete(HttpExchange http, String owner) throws IOException {
        String id = http.getRequestHeaders().getFirst("Mcp-Session-Id");
        if (id == null) {
            HttpReplies.error(http, 400, -32000, "Bad Request: Mcp-Session-Id header required", Map.of());
        } else if (sessions.remove(id, owner)) {
            HttpReplies.empty(http, 204, Map.of());
        } else {
            HttpReplies.error(http, 404, -32001, "Session not found (unknown, expired or ended)", Map.of());
        }
    }

    private void post(HttpExchange http, Caller caller) throws IOException {
        String owner = caller.owner();
        Headers request = http.getRequestHeaders();
        String contentType = request.getFirst("Content-Type");
        if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            HttpReplies.error(http, 415, -32000, "Unsupported Media Type: POST application/json", Map.of());
            return;
        }
        String accept = request.getFirst("Accept") == null
                ? ""
                : String.join(",", request.get("Accept")).toLowerCase(Locale.ROOT);
        boolean streamAllowed = accept.contains("text/event-stream");
        Optional<String> body = readBody(http);
        if (body.isEmpty()) {
            return;
        }
        JsonNode message = McpSession.parse(body.get());
        if (message == null) {
            HttpReplies.json(http, 400, JsonRpc.write(JsonRpc.parseError("Parse error")), Map.of());
            return;
        }
        Peer peer = caller.peer(http);
        MirroredHeaders mirrored = MirroredHeaders.of(request.getFirst("MCP-Protocol-Version"),
                request.getFirst("Mcp-Method"), request.getFirst("Mcp-Name"));
        if (isModern(message, mirrored, request.getFirst("Mcp-Session-Id") != null)) {
            // Body first: a modern request is served statelessly whatever Mcp-Session-Id it carries.
            serveModern(http, message, peer, caller, streamAllowed, mirrored);
            return;
        }
        String headerVersion = mirrored.protocolVersion();
        if (headerVersion != null && ProtocolVersion.fromWireName(headerVersion).isEmpty()) {
            HttpReplies.json(http, 400,
                    JsonRpc.write(JsonRpc.error(message.isObject() && RequestId.isValid(message.get("id"))
                            ? message.get("id")
                            : null, JsonRpcException.unsupportedVersion(headerVersion))),
                    Map.of());
            return;
        }
        String sessionId = request.getFirst("Mcp-Session-Id");
        if (sessionId == null && isInitialize(message)) {
            initialize(http, (ObjectNode) message, peer, caller);
            return;
        }
        if (sessionId == null) {
            HttpReplies.error(http, 400, -32000, "Bad Request: Mcp-Session-Id header required (send initialize first)",
                    Map.of());
            return;
        }
        Optional<SessionTable.Lease> lease = sessions.acquire(sessionId, owner);
        if (lease.isEmpty()) {
            HttpReplies.error(http, 404, -32001, "Session not found (unknown, expired or ended): initialize a new one",
                    Map.of());
            return;
        }
        try (SessionTable.Lease held = lease.get()) {
            McpSession session = held.session();
            PostExchange channel = new PostExchange();
            session.handle(message, channel, peer, MirroredHeaders.NONE);
            PostExchange.Outcome outcome = channel.deliver(http, streamAllowed, limits.keepAlive(),
                    () -> responseHeaders.forClient(sessionId, peer), held::release);
            if (outcome == PostExchange.Outcome.CLIENT_GONE) {
                int cancelled = session.cancelRequestsOf(channel);
                logger.log(Level.INFO, () -> "The client of session " + sessionId + " went away mid-call; cancelled "
                        + cancelled + " call(s)");
            }
        }
    }

    /**
     * A POST is modern when its body is a request or notification whose {@code _meta} names a
     * revision, or when its {@code MCP-Protocol-Version} header names a modern revision (then a
     * missing envelope is refused, never served as legacy), or when it is a {@code server/discover}
     * outside a session.
     */
    private boolean isModern(JsonNode message, MirroredHeaders mirrored, boolean inSession) {
        if (mirrored.claimsModern() && !isInitialize(message)) {
            return true;
        }
        if (!message.isObject() || isInitialize(message)) {
            return false; // initialize is the 2025 handshake, whatever the headers say
        }
        boolean discover = "server/discover".equals(message.path("method").asText(null)) && !inSession;
        return discover || message.get("params") instanceof ObjectNode params && RequestEnvelope.claimsVersion(params);
    }

    /**
     * Serves one stateless request: a session of one message, built and closed around it, so that
     * nothing of it outlives the POST and any instance behind a balancer can answer the next one.
     * Requests in flight are tracked for {@link #stop}.
     */
    private void serveModern(HttpExchange http, JsonNode message, Peer peer, Caller who, boolean streamAllowed,
            MirroredHeaders mirrored) throws IOException {
        if (!message.isObject()) {
            HttpReplies.json(http, 400, JsonRpc.write(JsonRpc.error(null, JsonRpcException.invalidRequest(
                    "Invalid Request: protocol revision 2026-07-28 has no batches"))), Map.of());
            return;
        }
        // No session: the caller is who its credentials say (its token), or where it comes from.
        String caller = "stateless-" + who.client(peer);
        McpSession session = who.view().factory().apply(caller, json -> logger.log(Level.DEBUG,
                () -> "A stateless request has no stream for a server-initiated message; dropped"));
        statelessInFlight.add(session);
        try {
            if (stopping.get()) {
                HttpReplies.error(http, 503, -32000, "Server is shutting down", Map.of("Connection", "close"));
                return;
            }
            PostExchange channel = new PostExchange();
            session.handle(message, channel, peer, mirrored);
            PostExchange.Outcome outcome = channel.deliver(http, streamAllowed, limits.keepAlive(),
                    () -> responseHeaders.forClient(caller, peer), () -> {});
            if (outcome == PostExchange.Outcome.CLIENT_GONE) {
                int cancelled = session.cancelRequestsOf(channel);
                logger.log(Level.INFO, () -> "A stateless client (" + caller + ") went away mid-call; cancelled "
                        + cancelled + " call(s)");
            }
        } finally {
            statelessInFlight.remove(session);
            session.close(limits.keepAlive());
        }
    }

    private static boolean isInitialize(JsonNode message) {
        return message.isObject() && "initialize".equals(message.path("method").asText(null)) && message.has("id");
    }

    private void initialize(HttpExchange http, ObjectNode message, Peer peer, Caller caller) throws IOException {
        String id = sessions.newId();
        PostExchange channel = new PostExchange();
        McpSession session = caller.view().factory().apply(id, json -> logger.log(Level.DEBUG,
                () -> "Session " + id + ": a server-initiated message has no stream to go to; dropped"));
        session.handle(message, channel, peer, MirroredHeaders.NONE);
        if (session.protocolVersion().isEmpty()) {
            // initialize failed (bad params): answered, no session kept
            session.close(Duration.ZERO);
            channel.deliver(http, false, limits.keepAlive(), Map::of, () -> {});
            return;
        }
        // The per-client bound counts a principal's sessions wherever they come from; without tokens, an address's.
        String client = caller.client(peer);
        SessionTable.Admission admission = sessions.register(session, caller.owner(), client);
        if (admission != SessionTable.Admission.ADMITTED) {
            session.close(Duration.ZERO);
            boolean capped = admission == SessionTable.Admission.CLIENT_AT_CAP;
            logger.log(Level.WARNING, () -> capped
                    ? "HTTP client " + client + " holds its most sessions (" + limits.maxSessionsPerClient()
                            + "); initialize refused"
                    : "HTTP session limit reached (" + limits.maxSessions()
                            + ", none idle to shed); initialize refused");
            HttpReplies.json(http, capped ? 429 : 503, HttpReplies.errorFor(message, -32000, capped
                    ? "Too many sessions for this client (server.http.max_sessions_per_client = "
                            + limits.maxSessionsPerClient()
                            + "); end unused sessions with DELETE or retry later"
                    : "Too many sessions (server.http.max_sessions = " + limits.maxSessions()
                            + "); end unused sessions with DELETE or retry later"),
                    Map.of("Retry-After", capped ? "10" : "60"));
            return;
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>(responseHeaders.forClient(id, peer));
        headers.put("Mcp-Session-Id", id);
        channel.deliver(http, false, limits.keepAlive(), () -> headers, () -> {});
    }

    /** @return the body as text; empty if a response (413, 400) was already sent */
    private Optional<String> readBody(HttpExchange http) throws IOException {
        String length = http.getRequestHeaders().getFirst("Content-Length");
        long declared = -1;
        if (length != null) {
            try {
                declared = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                HttpReplies.error(http, 400, -32000, "Bad Request: malformed Content-Length",
                        Map.of("Connection", "close"));
                return Optional.empty();
            }
        }
        if (declared > limits.maxBodyBytes()) {
            tooLarge(http);
            return Optional.empty();
        }
        byte[] bytes;
        try (InputStream in = http.getRequestBody()) {
            bytes = in.readNBytes(limits.maxBodyBytes() + 1);
        }
        if (bytes.length > limits.maxBodyBytes()) {
            tooLarge(http);
            return Optional.empty();
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            HttpReplies.json(http, 400, JsonRpc.write(JsonRpc.parseError("Parse error: message is not valid UTF-8")),
                    Map.of());
            return Optional.empty();
        }
    }

    private void tooLarge(HttpExchange http) throws IOException {
        HttpReplies.error(http, 413, -32000,
                "Payload Too Large: a message may have at most " + limits.maxBodyBytes() + " bytes",
                Map.of("Connection", "close"));
    }
}
