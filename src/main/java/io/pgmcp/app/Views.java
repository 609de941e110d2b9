package io.pgmcp.app;

import io.pgmcp.audit.AuditLog;
import io.pgmcp.auth.Principal;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.config.PrincipalConfig;
import io.pgmcp.config.PrincipalDatabase;
import io.pgmcp.config.Transport;
import io.pgmcp.llm.LlmClient;
import io.pgmcp.llm.PromptBuilder;
import io.pgmcp.mcp.CacheHints;
import io.pgmcp.mcp.CallerSessions;
import io.pgmcp.mcp.McpSession;
import io.pgmcp.mcp.Registry;
import io.pgmcp.mcp.ServerInfo;
import io.pgmcp.observability.Telemetry;
import io.pgmcp.query.DatabaseRouter;
import io.pgmcp.query.QueryPipeline;
import io.pgmcp.query.QuestionPipeline;
import io.pgmcp.query.Target;
import io.pgmcp.resilience.RateLimiter;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.tools.CallRecorder;
import io.pgmcp.tools.DescribeTableTool;
import io.pgmcp.tools.ExecuteSqlTool;
import io.pgmcp.tools.ListTablesTool;
import io.pgmcp.tools.PgMcpTool;
import io.pgmcp.tools.QueryTool;
import io.pgmcp.tools.RecordedTool;
import io.pgmcp.tools.RefreshSchemaTool;
import io.pgmcp.tools.SchemaResources;
import io.pgmcp.tools.SearchSchemaTool;
import io.pgmcp.tools.TableResources;
import io.pgmcp.tools.ToolErrors;
import io.pgmcp.tools.VisibleSchemas;
import java.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server as each caller sees it: the view of every database ({@link #all()}: stdio, and HTTP without a
 * {@code principals} section), and one view per principals entry over that entry's databases, each with its
 * narrowed policy and role; and the rule that gives an HTTP caller its view ({@link #callers}). Every view has
 * its own tools, resources and instructions, so nothing outside it can be listed, completed or named in an
 * error. Immutable once built.
 */
final class Views {

    /** The server as one caller sees it: its databases (each with its policy and role), tools and resources. */
    record View(String name, Registry registry, QueryPipeline pipeline, VisibleSchemas schemas) {}

    private final PgMcpConfig config;
    private final String version;
    private final View all;
    /** Each principals entry's view, by the entry itself. */
    private final Map<PrincipalConfig, View> principals;

    private Views(PgMcpConfig config, String version, View all, Map<PrincipalConfig, View> principals) {
        this.config = config;
        this.version = version;
        this.all = all;
        this.principals = principals;
    }

    /**
     * Builds the views over {@code router}'s databases.
     *
     * @param registry where the view of every database registers its tools and resources (the server's own
     *                 registry, which sessions may already read while this is built)
     */
    static Views build(PgMcpConfig config, String version, DatabaseRouter router, Registry registry, AuditLog audit,
            Telemetry telemetry, LlmClient llm, RateLimiter limiter) {
        Parts parts = new Parts(config, audit, telemetry, llm, limiter);
        View all = parts.view("", router, registry);
        Map<PrincipalConfig, View> principals = new IdentityHashMap<>();
        for (PrincipalConfig principal : config.principals()) {
            List<Target> own = new ArrayList<>();
            for (PrincipalDatabase database : principal.databases()) {
                Target base = router.all().stream().filter(t -> t.name().equals(database.name())).findFirst()
                        .orElseThrow(); // the binder checked every name
                own.add(Target.forPrincipal(base, database, Ticker.system()));
            }
            principals.put(principal, parts.view(principal.name(), new DatabaseRouter(own), new Registry()));
        }
        return new Views(config, version, all, principals);
    }

    View all() {
        return all;
    }

    /** The instructions of one view: its databases and their sizes only. */
    String instructions(View view) {
        return Instructions.text(config, view.pipeline().databaseNames(), SchemaGuide.text(view.schemas().sizes()));
    }

    /**
     * What each HTTP caller sees: without a {@code principals} section, everything (introduced by
     * {@code server}); with one, the view of the first entry that matches the caller (in file order), and
     * nothing (403) when none does.
     */
    CallerSessions callers(ServerInfo server, CacheHints hints) {
        if (config.principals().isEmpty()) {
            return CallerSessions.everyone(
                    (id, sink) -> new McpSession(server, all.registry(), ToolErrors::fromThrowable, hints, sink, id));
        }
        Map<PrincipalConfig, CallerSessions.View> sessions = new IdentityHashMap<>();
        principals.forEach((principal, view) -> {
            ServerInfo own = new ServerInfo("pg-mcp", version, () -> instructions(view));
            sessions.put(principal, new CallerSessions.View(principal.name(),
                    (id, sink) -> new McpSession(own, view.registry(), ToolErrors::fromThrowable, hints, sink, id)));
        });
        return principal -> principal.flatMap(caller -> {
            Optional<String> token = caller.source() == Principal.Source.TOKEN
                    ? Optional.of(caller.name())
                    : Optional.empty();
            Optional<String> subject = caller.source() == Principal.Source.OAUTH
                    ? Optional.of(caller.name())
                    : Optional.empty();
            return PrincipalConfig.firstMatch(config.principals(), m -> m.matches(token, subject, caller.claims()))
                    .map(sessions::get);
        });
    }

    /** What every view is made with. */
    private record Parts(PgMcpConfig config, AuditLog audit, Telemetry telemetry, LlmClient llm,
            RateLimiter limiter) {

        /**
         * The tools and resources over {@code router}'s databases, registered in {@code registry}: every tool
         * recorded (span, metrics, one audit event per call, rate-limited ones included), then rate limited where
         * the request budgets apply to it (RateLimitConfig#limitsRequests). Without an LLM the query tool is not
         * offered at all: every call would fail; the instructions say how to enable it.
         */
        View view(String name, DatabaseRouter router, Registry registry) {
            QueryPipeline pipeline = new QueryPipeline(router, config.server(), telemetry);
            // with principals, each view is one entry's; without, one view for all ("all")
            Optional<String> label = config.observability().metrics().principalLabel()
                    ? Optional.of(name.isEmpty() ? "all" : name)
                    : Optional.empty();
            CallRecorder recorder = new CallRecorder(telemetry, audit, new LinkedHashSet<>(pipeline.databaseNames()),
                    Ticker.system(), Clock.systemUTC(), label);
            Transport transport = config.server().transport();
            if (config.openai().configured()) {
                PgMcpTool query = new QueryTool(new QuestionPipeline(pipeline, config.server(), telemetry, llm,
                        new PromptBuilder(PromptBuilder.DEFAULT_SCHEMA_BUDGET), limiter));
                register(registry, query, config.rateLimit().limitsRequests(transport, true), recorder);
            }
            if (config.server().enableExecuteSql()) {
                register(registry, new ExecuteSqlTool(pipeline), config.rateLimit().limitsRequests(transport, false),
                        recorder);
            }
            VisibleSchemas schemas = new VisibleSchemas(router, config.server().queryTimeout());
            for (PgMcpTool tool : List.of(new SearchSchemaTool(schemas), new DescribeTableTool(schemas),
                    new ListTablesTool(schemas),
                    new RefreshSchemaTool(router, config.server().queryTimeout()))) {
                register(registry, tool, config.rateLimit().limitsRequests(transport, false), recorder);
            }
            registry.add(new SchemaResources(schemas));
            registry.add(new TableResources(schemas));
            return new View(name, registry, pipeline, schemas);
        }

        private void register(Registry registry, PgMcpTool tool, boolean requestLimited, CallRecorder recorder) {
            registry.add(new RecordedTool(tool, recorder, requestLimited ? Optional.of(limiter) : Optional.empty()));
        }
    }
}
