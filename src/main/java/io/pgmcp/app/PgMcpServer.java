package io.pgmcp.app;

import io.pgmcp.auth.Authenticator;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.PrincipalConfig;
import io.pgmcp.config.PrincipalDatabase;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.config.Transport;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.CatalogHolder;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.catalog.RoleCheck;
import io.pgmcp.db.ConnectionPool;
import io.pgmcp.db.Database;
import io.pgmcp.db.DatabaseException;
import io.pgmcp.db.PgConnectionFactory;
import io.pgmcp.db.PoolSettings;
import io.pgmcp.mcp.CacheHints;
import io.pgmcp.mcp.McpSession;
import io.pgmcp.mcp.Registry;
import io.pgmcp.mcp.ServerInfo;
import io.pgmcp.mcp.HttpLimits;
import io.pgmcp.mcp.HttpTransport;
import io.pgmcp.mcp.ResponseHeaders;
import io.pgmcp.mcp.StdioTransport;
import io.pgmcp.query.DatabaseRouter;
import io.pgmcp.query.QueryPipeline;
import io.pgmcp.query.Target;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.llm.LlmClient;
import io.pgmcp.llm.NotConfiguredClient;
import io.pgmcp.llm.OpenAiClient;
import io.pgmcp.llm.RetryingLlmClient;
import io.pgmcp.resilience.RateLimiter;
import io.pgmcp.resilience.Retry;
import io.pgmcp.resilience.Sleeper;
import io.pgmcp.observability.AvailabilityGauge;
import io.pgmcp.observability.Metrics;
import io.pgmcp.observability.MetricsServer;
import io.pgmcp.observability.PoolGauge;
import io.pgmcp.observability.Telemetry;
import io.pgmcp.audit.AuditException;
import io.pgmcp.audit.AuditLog;
import io.pgmcp.sql.RoleAgreement;
import io.pgmcp.tools.ToolErrors;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The composition root: builds every object of a running pg-mcp with {@code new}, in dependency
 * order, and stops them in reverse. Nothing here connects to a database synchronously: catalogs load
 * in the background, so a database that is down does not stop the server from starting.
 *
 * <p>Only the metrics endpoint is started by the constructor itself (a taken port fails start-up at
 * once); the rest ({@link Parts}: pools, guards, pipeline, tools) is built on a thread of its own, so
 * that on stdio the client's {@code initialize} is answered while it is being built. Until it is built,
 * every read of the tool registry waits ({@link Registry#openedLater()}), so no client sees a partial
 * list; everything else that needs the parts waits for them too.
 */
public final class PgMcpServer implements AutoCloseable {
    private static final System.Logger logger = System.getLogger(PgMcpServer.class.getName());
    /** Requests a stdio session runs on platform threads at once; more run on virtual threads. */
    static final int STDIO_PLATFORM_THREADS = 8;

    private final PgMcpConfig config;
    private final String version;
    private final Registry registry = Registry.openedLater();
    private final AuditLog audit;
    private final java.util.concurrent.atomic.AtomicReference<MetricsServer> metricsServer = new java.util.concurrent.atomic.AtomicReference<>();
    /** The rest of the server, being built on the thread "pg-mcp-build". */
    private final CompletableFuture<Parts> parts = new CompletableFuture<>();
    /** Stops whatever transport is serving (SIGTERM); a no-op before one started. */
    private final java.util.concurrent.atomic.AtomicReference<Runnable> stopServing = new java.util.concurrent.atomic.AtomicReference<>(
            () -> {});
    private final java.util.concurrent.locks.ReentrantLock closeLock = new java.util.concurrent.locks.ReentrantLock();
    private boolean closed; // guarded by closeLock

    /**
     * What the server is made of beyond its configuration, its registry and its metrics endpoint: the databases,
     * the view every caller sees without a {@code principals} section ({@code all}), and one view per
     * principals entry.
     */
    private record Parts(List<Database> databases, Views views, Housekeeping housekeeping, LlmClient llm,
            Telemetry telemetry, RateLimiter limiter, Thread metricsStart) {
        QueryPipeline pipeline() {
            return views.all().pipeline();
        }
    }

    /**
     * The system property that, set to {@code true}, keeps the build thread from warming the SQL parser up
     * ({@link io.pgmcp.sql.SqlGuard#warmUp}): the image's AOT training run sets it, so that the parser's
     * classes (4 MB of cache, all loaded at every start) stay out of the cache and are loaded beside the
     * start instead.
     */
    public static final String NO_PARSER_WARM_UP = "pgmcp.noParserWarmUp";

    /**
     * Starts the metrics endpoint (when configured) and the build of everything else, and returns.
     *
     * @param audit the audit log the composition root opened from {@code audit} (closed by this server)
     * @throws io.pgmcp.observability.MetricsEndpointException when the metrics endpoint cannot be served
     */
    public PgMcpServer(PgMcpConfig config, String version, AuditLog audit) {
        this.config = config;
        this.version = version;
        this.audit = audit;
        boolean served = config.observability().metrics().enabledFor(config.server().transport());
        // with an endpoint, its registry is made and the port bound first, so that a taken port fails start-up
        // before anything else is started; without one, the metrics are made with the rest, off the path of
        // the answer to initialize
        Metrics early = served ? metrics() : null;
        metricsServer.set(MetricsServer.start(config.observability().metrics(), config.server().transport(),
                served ? early.registry() : null));
        Thread.ofPlatform().name("pg-mcp-build").start(() -> {
            try {
                parts.complete(build(served ? early : metrics()));
            } catch (Throwable e) {
                parts.completeExceptionally(e);
            } finally {
                registry.open();
            }
            // what a first call would otherwise set up: the SecureRandom behind its audit event id (also in the
            // AOT training run, so that its classes are in the cache), and the SQL parser
            UUID.randomUUID();
            io.pgmcp.db.PgConnectionFactory.warmUp();
            if (!Boolean.getBoolean(NO_PARSER_WARM_UP)) {
                io.pgmcp.sql.SqlGuard.warmUp();
            }
        });
    }

    /** The server's metrics; when its endpoint is off nobody reads the registry, and calls record nothing into it. */
    private Metrics metrics() {
        List<PoolGauge> pools = new ArrayList<>();
        for (DatabaseConfig db : config.databases()) {
            int i = pools.size(); // pools are read at scrape time: the scrape waits until every database exists
            pools.add(new PoolGauge(db.name(), () -> parts().databases().get(i).poolStats().total(),
                    () -> parts().databases().get(i).poolStats().idle()));
        }
        return new Metrics(version, pools, config.observability().metrics().enabledFor(config.server().transport()));
    }

    private Parts build(Metrics metrics) {
        Clock clock = Clock.systemUTC();
        CatalogLoader loader = new CatalogLoader(clock);
        List<Target> targets = new ArrayList<>();
        Random random = new Random();
        Telemetry telemetry = Telemetry.start(config.observability(), version, metrics, Ticker.system());
        List<Database> databases = new ArrayList<>();
        List<Housekeeping.Duty> duties = new ArrayList<>();
        for (DatabaseConfig db : config.databases()) {
            ConnectionPool pool = new ConnectionPool(PoolSettings.of(db.name(), db.minPoolSize(), db.maxPoolSize()),
                    new PgConnectionFactory(db, config.server().queryTimeout())
                            .withMaxResultBytes(config.server().maxResultBytes()),
                    Ticker.system());
            Database database = new Database(db.name(), pool,
                    Database.Resilience.of(db.name(), config.retry().database(), random,
                            Sleeper.system(), Ticker.system(), clock, telemetry.retryListener("database")));
            CatalogHolder catalog = new CatalogHolder(database, loader, CatalogHolder.systemSchemas(db), clock);
            Target target = Target.of(db, database, catalog, Ticker.system());
            databases.add(database);
            targets.add(target);
            duties.add(new Housekeeping.Duty(catalog, pool));
        }
        metrics.availability(databases.stream().map(d -> new AvailabilityGauge(d.name(), d.availability()::isUp,
                d.availability()::outages)).toList());
        DatabaseRouter router = new DatabaseRouter(targets);
        LlmClient llm = llmClient(config, telemetry);
        RateLimiter limiter = new RateLimiter(config.rateLimit(), Ticker.system());
        metrics.rateLimitUsage(limiter::usage);
        if (audit.isEnabled()) {
            metrics.auditWriteFailures(config.audit().storage().name().toLowerCase(java.util.Locale.ROOT),
                    audit::writeFailures);
        }
        Views views = Views.build(config, version, router, registry, audit, telemetry, llm, limiter);
        Housekeeping housekeeping = new Housekeeping(duties, config.server().cacheRefreshInterval(),
                config.server().queryTimeout(),
                catalog -> router.all().stream().filter(t -> t.catalog() == catalog).findFirst()
                        .ifPresent(target -> {
                            warnWhereTheRoleDisagrees(target, config.server().queryTimeout());
                            reportUnassumableRoles(target, config.server().queryTimeout());
                        }));
        housekeeping.start();
        // the JVM metrics are registered in the background: a client waiting for initialize should not
        // wait for the management beans
        Thread metricsStart = Thread.ofVirtual().name("pg-mcp-metrics-start").start(() -> {
            if (config.observability().metrics().enabledFor(config.server().transport())) {
                metrics.registerJvmMetrics();
            }
        });
        return new Parts(List.copyOf(databases), views, housekeeping, llm, telemetry, limiter, metricsStart);
    }

    /** The built parts, waiting for the build; its failure, rethrown as it was. */
    private Parts parts() {
        try {
            return parts.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /**
     * Logs, once the catalog is loaded, what the login role can read that the policy denies and the
     * deny entries that name nothing ({@link RoleAgreement}): the role is the boundary that holds when
     * the guard does not.
     */
    private static void warnWhereTheRoleDisagrees(Target target, java.time.Duration timeout) {
        Optional<Catalog> catalog = target.catalog().current();
        if (catalog.isEmpty()) {
            return;
        }
        try {
            for (String warning : RoleAgreement.warnings(target.config(), catalog.get(),
                    RoleCheck.access(target.database(), timeout))) {
                logger.log(System.Logger.Level.WARNING, "database ''{0}'': {1}", target.name(), warning);
            }
        } catch (DatabaseException e) {
            logger.log(System.Logger.Level.WARNING, "database ''{0}'': could not check what its role can read ({1})",
                    target.name(),
                    e.failure().message());
        }
    }

    /**
     * Logs, once the catalog is loaded, each principals role on this database that the login role cannot
     * assume: calls of those principals fail there (CONFIGURATION_ERROR), never running as the login role.
     */
    private void reportUnassumableRoles(Target target, java.time.Duration timeout) {
        java.util.Set<String> roles = new java.util.TreeSet<>();
        for (PrincipalConfig principal : config.principals()) {
            principal.database(target.name()).flatMap(PrincipalDatabase::role).ifPresent(roles::add);
        }
        if (roles.isEmpty()) {
            return;
        }
        try {
            for (String role : RoleCheck.unassumableRoles(target.database(), roles, timeout)) {
                logger.log(System.Logger.Level.ERROR, "database ''{0}'': the login role cannot assume role ''{1}''"
                        + " of principals; their calls there fail until it can (GRANT \"{1}\" TO the login role;"
                        + " see --print-grants)", target.name(), role);
            }
        } catch (DatabaseException e) {
            logger.log(System.Logger.Level.WARNING, "database ''{0}'': could not check the principals'' roles ({1})",
                    target.name(), e.failure().message());
        }
    }

    /** The port the metrics endpoint is served on, empty when it is not served; waits for its start. */
    java.util.Optional<Integer> metricsPort() throws InterruptedException {
        parts().metricsStart().join();
        MetricsServer server = metricsServer.get();
        return server == null ? java.util.Optional.empty() : server.port();
    }

    /** The OpenAI-compatible client with retries, or one that answers "LLM not configured". */
    private static LlmClient llmClient(PgMcpConfig config, Telemetry telemetry) {
        if (!config.openai().configured()) {
            return new NotConfiguredClient();
        }
        Retry retry = Retry.of("openai", config.retry().openai(), new Random(), Sleeper.system(), Ticker.system(),
                telemetry.retryListener("openai"));
        return new RetryingLlmClient(new OpenAiClient(config.openai(), Ticker.system(), Clock.systemUTC()), retry,
                RetryingLlmClient.budgetFor(config.openai(), config.retry().openai()), telemetry);
    }

    ServerInfo serverInfo() {
        // asked at each initialize: by then the catalogs loading in the background may be known; while the
        // server is still being built, none is
        return new ServerInfo("pg-mcp", version, () -> {
            Parts built = parts.getNow(null);
            return built == null
                    ? Instructions.text(config, config.databases().stream().map(DatabaseConfig::name).toList(),
                            SchemaGuide.text(List.of()))
                    : built.views().instructions(built.views().all());
        });
    }

    /**
     * The id of the stdio session, for logs and the audit log: a random version-4 UUID, drawn from a
     * {@link java.util.concurrent.ThreadLocalRandom} rather than {@link UUID#randomUUID()}, whose
     * {@code SecureRandom} takes 8 ms or more to set up in a fresh process, on the path of the answer to
     * initialize. The id is never a credential (a stdio session has one caller, its parent process); HTTP
     * session ids come from {@code SecureRandom} ({@link io.pgmcp.mcp.SessionTable}).
     */
    static String stdioSessionId() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long high = random.nextLong() & ~0xF000L | 0x4000L; // version 4
        long low = random.nextLong() & ~(0xC000L << 48) | (0x8000L << 48); // IETF variant
        return "stdio-" + new UUID(high, low);
    }

    /**
     * The caching hints of modern results: the server's own lists for five minutes; what the databases
     * show for the schema cache's refresh interval (or five minutes when it never refreshes), private
     * when {@code callersToldApart}.
     */
    private CacheHints cacheHints(boolean callersToldApart) {
        java.time.Duration refresh = config.server().cacheRefreshInterval();
        java.time.Duration catalog = refresh.isZero() || refresh.isNegative()
                ? java.time.Duration.ofMinutes(5)
                : refresh;
        return new CacheHints(java.time.Duration.ofMinutes(5), catalog, callersToldApart);
    }

    /**
     * Serves one MCP session on stdin/stdout until stdin ends; then drains in-flight calls. The session
     * starts at once, while the server may still be being built (requests that need what is built wait for
     * it); when the build fails, serving stops and the failure is thrown, while stdin may still be open.
     */
    public void serveStdio(InputStream in, OutputStream out) {
        StdioTransport transport = new StdioTransport(in, out);
        stopServing.set(() -> transport.stop(config.server().shutdownTimeout()));
        // the transport reads stdin on a thread of its own, so that a failed build can end serving here even
        // while that thread waits for input (the process then exits)
        Thread reader = Thread.ofPlatform().name("pg-mcp-stdio").start(() -> transport.run(
                sink -> new McpSession(serverInfo(), registry, ToolErrors::fromThrowable, cacheHints(false), sink,
                        new RequestThreads(STDIO_PLATFORM_THREADS, "mcp-request-"), stdioSessionId()),
                config.server().shutdownTimeout()));
        // logged once the reader runs, beside the answer to initialize rather than before it: the first log line
        // initialises the formatter's date and message formatting (~10 ms on a cold JVM); the count goes as text,
        // so that the message needs no number format
        List<String> names = config.databases().stream().map(DatabaseConfig::name).toList();
        logger.log(System.Logger.Level.INFO, "pg-mcp {0} serving MCP on stdio ({1} database(s): {2})", version,
                Integer.toString(names.size()), names);
        try {
            parts();
        } catch (RuntimeException | Error e) {
            transport.stop(java.time.Duration.ZERO);
            throw e;
        }
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            transport.stop(config.server().shutdownTimeout());
            return;
        }
        logger.log(System.Logger.Level.INFO, "stdin closed; pg-mcp is shutting down");
    }

    /**
     * Starts the Streamable HTTP transport of {@code server.http} and returns it serving; stop it with
     * {@link #stopServing}. Logs the endpoint's URL (never a token).
     *
     * @throws java.io.IOException if the address cannot be bound or the TLS keystore not read
     */
    public HttpTransport startHttp() throws java.io.IOException {
        if (config.server().transport() != Transport.HTTP) {
            // the tools were wrapped for stdio (fewer request limits): never serve them to a network
            throw new IllegalStateException("startHttp needs a configuration with server.transport http");
        }
        var http = config.server().http();
        Parts built = parts();
        Authenticator auth = Authenticator.of(http, Clock.systemUTC());
        // With authentication callers are told apart: what the databases show goes to private caches only.
        CacheHints hints = cacheHints(!auth.isOpen());
        HttpTransport transport = HttpTransport.start(http,
                HttpLimits.of(http.maxSessions(), http.maxSessionsPerClient(),
                        http.sessionIdleTimeout(), http.requestReadTimeout()),
                auth, built.views().callers(serverInfo(), hints),
                config.rateLimit().includeHeaders()
                        ? ResponseHeaders.rateLimits(built.limiter())
                        : ResponseHeaders.NONE,
                this::unavailableDatabases, Ticker.system());
        stopServing.set(() -> transport.stop(config.server().shutdownTimeout()));
        logger.log(System.Logger.Level.INFO, "pg-mcp {0} serving MCP on {1} ({2} database(s): {3}; {4})", version,
                transport.endpoint(), built.databases().size(), built.pipeline().databaseNames(),
                auth.isOpen()
                        ? "no bearer token required (loopback only)"
                        : http.authTokens().size() + " bearer token(s) accepted"
                                + http.oauth().map(o -> ", OAuth access tokens of "
                                        + o.authorizationServers().size() + " authorization server(s) for "
                                        + o.resource()).orElse("")
                                + (config.principals().isEmpty()
                                        ? ""
                                        : ", " + config.principals().size()
                                                + " principal(s)"));
        return transport;
    }

    /** Serves MCP over HTTP until {@link #stopServing} is called (SIGTERM). */
    public void serveHttp() throws java.io.IOException, InterruptedException {
        startHttp().awaitStopped();
        logger.log(System.Logger.Level.INFO, "HTTP transport stopped; pg-mcp is shutting down");
    }

    /**
     * Stops the serving transport: no new calls, calls in flight answered within
     * {@code server.shutdown_timeout} or cancelled. Returns when that is done; {@link #close} then
     * flushes and releases everything. Safe from any thread, repeatable.
     */
    public void stopServing() {
        stopServing.get().run();
    }

    /** The databases whose connections fail now, by name only (for {@code /readyz}). */
    private List<String> unavailableDatabases() {
        List<String> down = new ArrayList<>();
        for (Database database : parts().databases()) {
            try {
                database.checkAvailable();
            } catch (io.pgmcp.db.DatabaseDownException e) {
                down.add(database.name());
            }
        }
        return down;
    }

    /**
     * Stops serving (if a transport still is), then releases everything, once; a concurrent caller
     * (the SIGTERM hook) waits for the first to finish.
     */
    @Override
    public void close() {
        closeLock.lock();
        try {
            if (!closed) {
                closed = true;
                stopServing();
                release();
            }
        } finally {
            closeLock.unlock();
        }
    }

    private void release() {
        Parts built;
        try {
            built = parts();
        } catch (RuntimeException | Error e) {
            built = null; // the build failed: what it made dies with the process
        }
        if (built != null) {
            try {
                built.metricsStart().join(java.time.Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        MetricsServer server = metricsServer.get();
        if (server != null) {
            server.close();
        }
        if (built != null) {
            built.housekeeping().close();
        }
        try {
            audit.flush();
        } catch (AuditException e) {
            logger.log(System.Logger.Level.WARNING, "audit flush at shutdown failed: {0}", e.getMessage());
        }
        audit.close();
        if (built == null) {
            return;
        }
        built.telemetry().close(); // exports the spans still buffered
        try {
            built.llm().close();
        } catch (Exception e) {
            logger.log(System.Logger.Level.DEBUG, "closing the LLM client failed: {0}", e.getMessage());
        }
        built.databases().forEach(Database::close);
    }
}
