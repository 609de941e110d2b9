import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * pg-mcp against two Node MCP servers for PostgreSQL — the reference server
 * {@code @modelcontextprotocol/server-postgres} (no guard: one {@code query} tool in a read-only
 * transaction) and {@code @bytebase/dbhub} — and the floor of a Java server ({@code scripts/PeerFloor.java}:
 * read a line, one pgjdbc query, write a line; nothing checked), all four over stdio on the same database, one
 * {@code SELECT id, name, price FROM products WHERE id = 7} at a time through each server's SQL tool.
 *
 * <p>Measures, each interleaved round by round (every server gets its turn in a round, the order
 * rotates from round to round) so that the shared host's noise falls on all servers alike:
 * <ul>
 * <li>cold start: spawn until the {@code initialize} answer is read, RUNS fresh processes per server
 * after one untimed start each (page cache); the median;</li>
 * <li>first calls: ROUNDS fresh processes per server, each timing its first FIRST_CALLS calls right
 * after {@code notifications/initialized}; p50/p99 over all of them, and the median by position
 * (call 1, 2–10, 11–50, the rest) to show where a fresh process loses time;</li>
 * <li>warm: one process per server, WARMUP calls then CALLS timed calls, in blocks of {@link #BLOCK}
 * calls per server in turn; p50/p99;</li>
 * <li>RSS: VmRSS of the warm server process (and any children it has) after its calls;</li>
 * <li>memory, pg-mcp only ({@link Memory}): a fresh process's RSS idle and after MIXED mixed calls, then
 * results far over {@code max_result_bytes} — one 200 MB value, 700 rows of 1 MB, eight 200 MB values at
 * once — each must be answered cleanly (a clear error or a truncated result), and the process must still
 * answer the lookup afterwards; its peak RSS (VmHWM) is reported.</li>
 * </ul>
 * Every answer must be a JSON-RPC result, not {@code isError}, holding the row ("product 7"). A server
 * that fails (does not start, answers an error, or does not answer within its bound and is killed) is
 * reported "failed" with the reason and leaves the rotation; the others go on, and the exit status is 1.
 * Every process started is killed on exit, and its pid is appended to WORK_DIR/pids (cwd WORK_DIR) so
 * that the calling script can kill what a hard kill of this JVM left behind.
 *
 * <p>Usage: {@code java -cp "IMAGE/app/*" scripts/PeerBench.java IMAGE_DIR PEERS_DIR NODE WORK_DIR PG_PORT DB USER
 * RUNS FIRST_CALLS WARMUP CALLS ROUNDS MIXED}.
 */
public final class PeerBench {
    private static final String SQL = "SELECT id, name, price FROM products WHERE id = 7";
    private static final Pattern ROW = Pattern.compile("product 7(?![0-9])");
    private static final int BLOCK = 10;
    private static final long INITIALIZE_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long CALL_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(15);
    private static final String INITIALIZE = "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"pg-mcp-peer-bench\",\"version\":\"1\"}}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REFERENCE = "server-postgres";
    private static final String FLOOR = "jdbc-floor";

    public static void main(String[] args) throws Exception {
        if (args.length != 13) {
            System.err.println("usage: PeerBench IMAGE_DIR PEERS_DIR NODE WORK_DIR PG_PORT DB USER RUNS FIRST_CALLS WARMUP CALLS ROUNDS MIXED");
            System.exit(2);
        }
        Path image = Path.of(args[0]).toAbsolutePath();
        Path peers = Path.of(args[1]).toAbsolutePath();
        String node = args[2];
        Path work = Files.createDirectories(Path.of(args[3]).toAbsolutePath());
        int pgPort = Integer.parseInt(args[4]);
        String db = args[5];
        String user = args[6];
        Plan plan = new Plan(positive("PEER_RUNS", args[7]), positive("PEER_FIRST_CALLS", args[8]),
                nonNegative("PEER_WARMUP", args[9]), positive("PEER_CALLS", args[10]), positive("PEER_ROUNDS", args[11]),
                positive("PEER_MIXED", args[12]));

        Path config = work.resolve("pg-mcp.yaml");
        Files.writeString(config, """
                databases:
                  - name: %2$s
                    url: postgresql://%3$s@127.0.0.1:%1$d/%2$s
                    access_policy:
                      allowed_schemas: [public]
                observability:
                  metrics:
                    enabled: false
                audit:
                  enabled: false
                rate_limit:
                  enabled: false
                """.formatted(pgPort, db, user));
        String url = "postgresql://" + user + "@127.0.0.1:" + pgPort + "/" + db;
        List<Server> servers = List.of(
                new Server("pg-mcp", List.of(image.resolve("bin/pg-mcp").toString(), "--config", config.toString()),
                        "execute_sql", version(image.resolve("bin/pg-mcp").toString(), "--version")),
                new Server(REFERENCE, List.of(node, peers.resolve("node_modules/@modelcontextprotocol/server-postgres/dist/index.js").toString(),
                        url), "query", packageVersion(peers, "@modelcontextprotocol/server-postgres")),
                new Server("dbhub", List.of(node, peers.resolve("node_modules/@bytebase/dbhub/dist/index.js").toString(),
                        "--transport", "stdio", "--dsn", url.replaceFirst("^postgresql:", "postgres:") + "?sslmode=disable"),
                        "execute_sql", packageVersion(peers, "@bytebase/dbhub")),
                floor(image, work, pgPort, db, user));

        Sessions sessions = new Sessions(work);
        Memory memory = null;
        Runtime.getRuntime().addShutdownHook(new Thread(sessions::killAll, "peer-bench-kill"));
        Thread watchdog = Thread.ofPlatform().daemon().name("peer-bench-watchdog").start(sessions::watch);
        try {
            coldStarts(servers, sessions, plan);
            firstCalls(servers, sessions, plan);
            warm(servers, sessions, plan);
            memory = Memory.measure(servers.getFirst(), sessions, plan.mixedCalls());
        } finally {
            sessions.killAll();
            watchdog.interrupt();
        }
        new Report(servers, plan, version(node, "--version")).print();
        boolean memoryFailed = memory == null || memory.print();
        System.exit(servers.stream().anyMatch(s -> s.failure != null) || memoryFailed ? 1 : 0);
    }

    /**
     * The floor ({@code scripts/PeerFloor.java}): compiled here once, started on this JDK with the image's
     * jars. If it cannot be compiled, it is a server whose command fails, reported "failed" like any other.
     */
    private static Server floor(Path image, Path work, int pgPort, String db, String user) throws IOException {
        Path classes = Files.createDirectories(work.resolve("floor-classes"));
        String classpath;
        try (var jars = Files.list(image.resolve("app"))) { // the compiler API does not expand "app/*"
            classpath = String.join(File.pathSeparator, jars.map(Path::toString).filter(j -> j.endsWith(".jar")).sorted()
                    .toList());
        }
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        int compiled = javac == null ? -1 : javac.run(null, null, null, "-d", classes.toString(), "-cp", classpath,
                Path.of("scripts", "PeerFloor.java").toString());
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> command = compiled == 0
                // the serial collector: no concurrent GC threads taking the CPU from the servers beside it
                ? List.of(javaBin, "-XX:+UseSerialGC", "-cp", classes + File.pathSeparator + classpath, "PeerFloor",
                        "jdbc:postgresql://127.0.0.1:" + pgPort + "/" + db + "?user=" + user)
                : List.of("false"); // fails to start: "did not answer initialize"
        return new Server(FLOOR, command, "query", "(" + Runtime.version() + ", pgjdbc from the image)");
    }

    /** What a run does: counts from the environment, validated. */
    record Plan(int runs, int firstCalls, int warmup, int calls, int rounds, int mixedCalls) {
    }

    private static void coldStarts(List<Server> servers, Sessions sessions, Plan plan) {
        for (int round = -1; round < plan.runs(); round++) { // round -1: untimed, fills the page cache
            for (Server server : rotation(servers, round)) {
                try (Session session = sessions.start(server, "cold")) {
                    session.initialize();
                    if (round >= 0) {
                        server.coldMs.add((System.nanoTime() - session.spawnedAt) / 1e6);
                    }
                } catch (ServerFailure e) {
                    server.fail("cold start: " + e.getMessage());
                }
            }
        }
    }

    private static void firstCalls(List<Server> servers, Sessions sessions, Plan plan) {
        for (int round = 0; round < plan.rounds(); round++) {
            for (Server server : rotation(servers, round)) {
                try (Session session = sessions.start(server, "first")) {
                    session.initialize();
                    double[] millis = new double[plan.firstCalls()];
                    for (int i = 0; i < millis.length; i++) {
                        millis[i] = session.timedCall();
                    }
                    server.firstCalls.add(millis);
                } catch (ServerFailure e) {
                    server.fail("first calls, round " + (round + 1) + ": " + e.getMessage());
                }
            }
        }
    }

    private static void warm(List<Server> servers, Sessions sessions, Plan plan) {
        List<Session> running = new ArrayList<>();
        for (Server server : servers) {
            if (server.failure != null) {
                continue;
            }
            Session session = null;
            try {
                session = sessions.start(server, "warm");
                running.add(session);
                session.initialize();
                server.warm = new double[plan.calls()];
            } catch (ServerFailure e) {
                server.fail("warm: " + e.getMessage());
                if (session != null) {
                    session.close();
                }
            }
        }
        int total = plan.warmup() + plan.calls();
        for (int done = 0, round = 0; done < total; done += BLOCK, round++) {
            for (Session session : rotation(running, round)) {
                Server server = session.server;
                if (server.failure != null) {
                    continue;
                }
                try {
                    for (int i = done; i < Math.min(total, done + BLOCK); i++) {
                        double ms = session.timedCall();
                        if (i >= plan.warmup()) {
                            server.warm[i - plan.warmup()] = ms;
                        }
                    }
                    if (done + BLOCK >= total) {
                        server.rssKb = session.rssKb(); // right after its last call
                    }
                } catch (ServerFailure e) {
                    server.fail("warm: " + e.getMessage());
                    session.close();
                }
            }
        }
        running.forEach(Session::close);
    }

    /** The list starting at a different element each round, so that no server is always first or last. */
    private static <T> List<T> rotation(List<T> items, int round) {
        List<T> rotated = new ArrayList<>(items);
        java.util.Collections.rotate(rotated, -Math.floorMod(round, Math.max(1, items.size())));
        return rotated;
    }

    /** A server under test and what was measured of it. */
    static final class Server {
        final String name;
        final List<String> command;
        final String tool;
        final String version;
        final List<Double> coldMs = new ArrayList<>();
        final List<double[]> firstCalls = new ArrayList<>();
        double[] warm;
        long rssKb = -1;
        String failure;

        Server(String name, List<String> command, String tool, String version) {
            this.name = name;
            this.command = command;
            this.tool = tool;
            this.version = version;
        }

        void fail(String reason) {
            if (failure == null) {
                failure = reason;
                System.err.println("!! " + name + " failed: " + reason);
            }
        }

        String callParams() {
            return "{\"name\":\"" + tool + "\",\"arguments\":{\"sql\":\"" + SQL + "\"}}";
        }
    }

    /** A server that did not do what the bench asked, with the reason. */
    static final class ServerFailure extends Exception {
        ServerFailure(String message) {
            super(message);
        }
    }

    /**
     * Every process this bench started: starts them (stderr to a log file, so it never blocks), kills a
     * session whose outstanding request is over its bound (the watchdog), and kills them all at exit.
     */
    static final class Sessions {
        private final Path work;
        private final Set<Session> live = ConcurrentHashMap.newKeySet();

        Sessions(Path work) {
            this.work = work;
        }

        Session start(Server server, String phase) throws ServerFailure {
            Path stderrLog = work.resolve(server.name + "." + phase + ".stderr.log");
            ProcessBuilder builder = new ProcessBuilder(server.command).directory(work.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(stderrLog.toFile()));
            builder.environment().keySet().removeIf(k -> k.startsWith("PG_MCP_") && !k.equals("PG_MCP_JAVA_OPTS"));
            try {
                long spawned = System.nanoTime();
                Process process = builder.start();
                Files.writeString(work.resolve("pids"), process.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                Session session = new Session(server, process, spawned, stderrLog, this);
                live.add(session);
                return session;
            } catch (IOException e) {
                throw new ServerFailure("could not start " + server.command.getFirst() + ": " + e.getMessage());
            }
        }

        void ended(Session session) {
            live.remove(session);
        }

        /** The watchdog: kills any process whose outstanding request has waited beyond its bound. */
        void watch() {
            while (!Thread.currentThread().isInterrupted()) {
                long now = System.nanoTime();
                for (Session s : live) {
                    long since = s.pendingSince;
                    if (since != 0 && now - since > s.pendingLimitNanos) {
                        s.kill(String.format(Locale.ROOT, "no answer within %d s: killed", TimeUnit.NANOSECONDS.toSeconds(s.pendingLimitNanos)));
                    }
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void killAll() {
            for (Session s : live) {
                s.kill("bench ended");
            }
        }
    }

    /** One server process spoken to over newline-delimited JSON-RPC on stdin/stdout, one request at a time. */
    static final class Session implements AutoCloseable {
        final Server server;
        private final Process process;
        final long spawnedAt;
        private final Path stderrLog;
        private final Sessions owner;
        private final OutputStream in;
        private final BufferedReader out;
        private int nextId = 1;
        volatile long pendingSince;
        volatile long pendingLimitNanos = CALL_LIMIT_NANOS;
        private volatile String killedFor;

        Session(Server server, Process process, long spawnedAt, Path stderrLog, Sessions owner) {
            this.server = server;
            this.process = process;
            this.spawnedAt = spawnedAt;
            this.stderrLog = stderrLog;
            this.owner = owner;
            this.in = process.getOutputStream();
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), 1 << 16);
        }

        void initialize() throws ServerFailure {
            String line = request("initialize", INITIALIZE, INITIALIZE_LIMIT_NANOS);
            JsonNode answer = parse(line);
            if (!answer.path("result").has("protocolVersion")) {
                throw new ServerFailure("unexpected initialize answer: " + abbreviate(line));
            }
            send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
        }

        /** One checked tools/call of the query, in milliseconds from writing the request to reading its answer. */
        double timedCall() throws ServerFailure {
            long start = System.nanoTime();
            String line = request("tools/call", server.callParams(), CALL_LIMIT_NANOS);
            double ms = (System.nanoTime() - start) / 1e6;
            JsonNode answer = parse(line);
            if (answer.has("error")) {
                throw new ServerFailure("JSON-RPC error " + answer.get("error"));
            }
            JsonNode result = answer.path("result");
            String text = result.path("content").path(0).path("text").asText("");
            if (result.path("isError").asBoolean(false)) {
                throw new ServerFailure("tool error (isError): " + abbreviate(text));
            }
            if (!ROW.matcher(text).find()) {
                throw new ServerFailure("the answer does not hold the row 'product 7': " + abbreviate(line));
            }
            return ms;
        }

        /** One tools/call of {@code sql} through the server's SQL tool; the answer line. */
        String sqlCall(String sql, long limitNanos) throws ServerFailure {
            return request("tools/call", sqlParams(sql), limitNanos);
        }

        private String sqlParams(String sql) {
            return "{\"name\":\"" + server.tool + "\",\"arguments\":{\"sql\":\"" + JsonText.escape(sql) + "\"}}";
        }

        /** {@code count} tools/call of {@code sql} sent at once, then every answer read; the answer lines. */
        List<String> concurrentSqlCalls(String sql, int count, long limitNanos) throws ServerFailure {
            List<String> ids = new ArrayList<>();
            pendingLimitNanos = limitNanos;
            pendingSince = System.nanoTime();
            try {
                for (int i = 0; i < count; i++) {
                    int id = nextId++;
                    ids.add("\"id\":" + id);
                    send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":" + sqlParams(sql)
                            + "}\n");
                }
                List<String> answers = new ArrayList<>();
                while (answers.size() < count) {
                    String line = out.readLine();
                    if (line == null) {
                        throw new ServerFailure("concurrent calls: " + gone());
                    }
                    if (ids.stream().anyMatch(id -> line.contains(id + ",") || line.contains(id + "}"))) {
                        answers.add(line);
                    }
                }
                return answers;
            } catch (IOException e) {
                throw new ServerFailure("concurrent calls: " + gone() + " (" + e.getMessage() + ")");
            } finally {
                pendingSince = 0;
            }
        }

        /** A VmXxx field of /proc/PID/status (VmRSS, VmHWM) of the server process itself, in kB. */
        long statusKb(String field) throws ServerFailure {
            return statusKb(process.pid(), field);
        }

        /** A VmXxx field of /proc/PID/status, in kB. */
        private static long statusKb(long pid, String field) throws ServerFailure {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith(field + ":")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException e) {
                throw new ServerFailure("cannot read /proc/" + pid + "/status: " + e.getMessage());
            }
            throw new ServerFailure("no " + field + " in /proc/" + pid + "/status");
        }

        private String request(String method, String params, long limitNanos) throws ServerFailure {
            int id = nextId++;
            String idField = "\"id\":" + id;
            pendingLimitNanos = limitNanos;
            pendingSince = System.nanoTime();
            try {
                send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}\n");
                while (true) { // bounded by the watchdog: past the limit the process is killed and readLine ends
                    String line = out.readLine();
                    if (line == null) {
                        throw new ServerFailure(method + ": " + gone());
                    }
                    if (line.contains(idField + ",") || line.contains(idField + "}")) {
                        return line;
                    }
                    // a notification or a log line on stdout: skip
                }
            } catch (IOException e) {
                throw new ServerFailure(method + ": " + gone() + " (" + e.getMessage() + ")");
            } finally {
                pendingSince = 0;
            }
        }

        private void send(String message) throws ServerFailure {
            try {
                in.write(message.getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                throw new ServerFailure("could not write to the server: " + gone());
            }
        }

        private String gone() {
            if (killedFor != null) {
                return killedFor + lastLog();
            }
            try {
                boolean exited = process.waitFor(5, TimeUnit.SECONDS);
                return (exited ? "the server exited with status " + process.exitValue() : "the server closed its output") + lastLog();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }

        private String lastLog() {
            try {
                List<String> lines = Files.readAllLines(stderrLog, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
                return lines.isEmpty() ? " (stderr empty: " + stderrLog + ")"
                        : " (last stderr line: " + abbreviate(lines.getLast().trim()) + "; log " + stderrLog + ")";
            } catch (IOException e) {
                return " (log " + stderrLog + ")";
            }
        }

        /** VmRSS of the server process and any children it has (pg-mcp's launcher execs the JVM), in kB. */
        long rssKb() throws ServerFailure {
            long kb = 0;
            for (ProcessHandle p : concat(process.toHandle())) {
                try {
                    kb += statusKb(p.pid(), "VmRSS");
                } catch (ServerFailure e) {
                    if (p.pid() == process.pid()) {
                        throw e;
                    }
                    // a child that ended meanwhile
                }
            }
            return kb;
        }

        private static List<ProcessHandle> concat(ProcessHandle root) {
            List<ProcessHandle> all = new ArrayList<>();
            all.add(root);
            root.descendants().forEach(all::add);
            return all;
        }

        void kill(String why) {
            killedFor = why;
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            owner.ended(this);
        }

        /** An orderly stop (stdin closed), then SIGTERM, then SIGKILL: each step bounded. */
        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException alreadyGone) {
                // the process exited: nothing to tell it
            }
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroy);
                    process.destroy();
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        kill("did not stop within 10 s of its stdin closing");
                        process.waitFor(5, TimeUnit.SECONDS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill("interrupted");
            }
            process.descendants().forEach(ProcessHandle::destroyForcibly); // nothing of it outlives the session
            owner.ended(this);
        }

        static JsonNode parse(String line) throws ServerFailure {
            try {
                return JSON.readTree(line);
            } catch (IOException e) {
                throw new ServerFailure("not JSON: " + abbreviate(line));
            }
        }
    }


    /**
     * The memory phase, on a fresh pg-mcp process: RSS idle and after MIXED mixed calls (point lookups
     * with changing literals, an aggregate, an ordered page, a GROUP BY; target: at most 1.2x idle), then
     * the results far over {@code max_result_bytes} that once exhausted the heap. Each of those must be
     * answered cleanly, and the lookup must still work after them.
     */
    static final class Memory {
        private static final long BIG_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(120);
        private static final double RSS_GROWTH_TARGET = 1.2;
        private static final List<String> MIXED = List.of(
                "SELECT count(*), avg(price), max(price) FROM products",
                "SELECT id, name, price FROM products ORDER BY price DESC, id LIMIT 50",
                "SELECT price, count(*) FROM products GROUP BY price ORDER BY 2 DESC LIMIT 10");
        private static final List<String[]> OVERSIZED = List.of(
                new String[] {"one 200 MB value", "SELECT repeat('x', 200000000) AS big"},
                new String[] {"700 rows of 1 MB", "SELECT g, repeat('x', 1000000) AS wide FROM generate_series(1, 700) g"});

        private final List<String> lines = new ArrayList<>();
        private final List<String> json = new ArrayList<>();
        private boolean failed;

        static Memory measure(Server server, Sessions sessions, int mixedCalls) {
            Memory memory = new Memory();
            try (Session session = sessions.start(server, "memory")) {
                session.initialize();
                Thread.sleep(1000);
                long idle = session.statusKb("VmRSS");
                for (int i = 0; i < mixedCalls; i++) {
                    String sql = i % 4 == 3 ? MIXED.get(i / 4 % MIXED.size())
                            : "SELECT id, name, price FROM products WHERE id = " + (1 + i % 1000);
                    String line = session.sqlCall(sql, CALL_LIMIT_NANOS);
                    if (Session.parse(line).path("result").path("isError").asBoolean(true)) {
                        throw new ServerFailure("mixed call '" + sql + "' failed: " + abbreviate(line));
                    }
                }
                long after = session.statusKb("VmRSS");
                double growth = (double) after / idle;
                memory.row("rss_mixed", String.format(Locale.ROOT, "RSS idle %.1f MB, after %d mixed calls %.1f MB: %.2fx",
                        idle / 1024.0, mixedCalls, after / 1024.0, growth), growth <= RSS_GROWTH_TARGET,
                        String.format(Locale.ROOT, "\"idle_mb\":%.1f,\"after_mb\":%.1f,\"calls\":%d,\"ratio\":%.3f,\"target\":%.1f",
                                idle / 1024.0, after / 1024.0, mixedCalls, growth, RSS_GROWTH_TARGET));
                for (String[] oversized : OVERSIZED) {
                    long started = System.nanoTime();
                    String line = session.sqlCall(oversized[1], BIG_LIMIT_NANOS);
                    memory.outcome(oversized[0], oversized[1], List.of(line), (System.nanoTime() - started) / 1e6, session);
                }
                long started = System.nanoTime();
                List<String> answers = session.concurrentSqlCalls(OVERSIZED.getFirst()[1], 8, BIG_LIMIT_NANOS);
                memory.outcome("eight 200 MB values at once", OVERSIZED.getFirst()[1], answers,
                        (System.nanoTime() - started) / 1e6, session);
                memory.row("peak_rss", String.format(Locale.ROOT, "peak RSS (VmHWM) over the phase %.1f MB",
                        session.statusKb("VmHWM") / 1024.0), true,
                        String.format(Locale.ROOT, "\"peak_mb\":%.1f", session.statusKb("VmHWM") / 1024.0));
            } catch (ServerFailure e) {
                memory.row("memory", "failed: " + e.getMessage(), false, "\"reason\":\"" + JsonText.escape(e.getMessage()) + "\"");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                memory.row("memory", "interrupted", false, "\"reason\":\"interrupted\"");
            }
            return memory;
        }

        /** Clean: a tool error that says the result is too large, or a result marked truncated; then the lookup works. */
        private void outcome(String label, String sql, List<String> answers, double ms, Session session)
                throws ServerFailure {
            List<String> kinds = new ArrayList<>();
            boolean clean = true;
            for (String line : answers) {
                JsonNode result = Session.parse(line).path("result");
                JsonNode body = result.path("structuredContent");
                if (result.isMissingNode()) {
                    kinds.add("JSON-RPC error");
                    clean = false;
                } else if (result.path("isError").asBoolean(false)) {
                    String code = body.path("error_code").asText("?");
                    kinds.add("error " + code);
                    clean &= !code.equals("SYNTAX_ERROR") && !code.equals("INTERNAL_ERROR");
                } else if (body.path("result").path("truncated").asBoolean(false)) {
                    kinds.add("truncated, " + body.path("result").path("row_count").asInt() + " rows");
                } else {
                    kinds.add("answered in full (" + line.length() / 1_000_000 + " MB)");
                    clean = false;
                }
            }
            session.timedCall(); // still answering: the row of the lookup, checked
            String distinct = String.join(", ", kinds.stream().distinct().toList());
            row("oversized", String.format(Locale.ROOT, "%s: %s in %.0f ms, then the lookup answered", label, distinct, ms),
                    clean, String.format(Locale.ROOT, "\"case\":\"%s\",\"sql\":\"%s\",\"outcome\":\"%s\",\"ms\":%.1f",
                            JsonText.escape(label), JsonText.escape(sql), JsonText.escape(distinct), ms));
        }

        private void row(String key, String text, boolean met, String fields) {
            failed |= !met;
            lines.add(String.format(Locale.ROOT, "  %-100s %s", text, met ? "ok" : "NOT met"));
            json.add("{\"measure\":\"peer_memory\",\"metric\":\"" + key + "\"," + fields + ",\"met\":" + met + "}");
        }

        /** Prints the phase; true when something was not met. */
        boolean print() {
            System.out.println("pg-mcp memory (fresh process; max_result_bytes at its default)");
            lines.forEach(System.out::println);
            json.forEach(System.out::println);
            return failed;
        }
    }

    /** The table (values per server, pg-mcp's ratio to the reference server) and one JSON line per server and per ratio. */
    record Report(List<Server> servers, Plan plan, String node) {
        void print() {
            Server pgMcp = servers.getFirst();
            Server reference = servers.stream().filter(s -> s.name.equals(REFERENCE)).findFirst().orElseThrow();
            List<Metric> metrics = List.of(
                    new Metric("cold_start_ms", "cold start, median of " + plan.runs() + " (ms)", 1.0, s -> median(s.coldMs)),
                    new Metric("first_p50_ms", "first " + plan.firstCalls() + " calls x " + plan.rounds() + " processes, p50 (ms)", 0.6,
                            s -> pct(firstAll(s), 50)),
                    new Metric("first_p99_ms", "first " + plan.firstCalls() + " calls x " + plan.rounds() + " processes, p99 (ms)", 0.6,
                            s -> pct(firstAll(s), 99)),
                    new Metric("warm_p50_ms", plan.calls() + " calls after " + plan.warmup() + " warm-up, p50 (ms)", 0.6, s -> pct(s.warm, 50)),
                    new Metric("warm_p99_ms", plan.calls() + " calls after " + plan.warmup() + " warm-up, p99 (ms)", 0.6, s -> pct(s.warm, 99)),
                    new Metric("rss_mb", "RSS after " + (plan.warmup() + plan.calls()) + " calls (MB)", 1.0, s -> s.rssKb / 1024.0));

            System.out.printf(Locale.ROOT, "%-48s", "measure (interleaved)");
            servers.forEach(s -> System.out.printf(Locale.ROOT, " %16s", s.name));
            System.out.printf(Locale.ROOT, "  %-24s %s%n", "pg-mcp/" + REFERENCE, "target");
            for (Metric m : metrics) {
                System.out.printf(Locale.ROOT, "%-48s", m.label());
                servers.forEach(s -> System.out.printf(Locale.ROOT, " %16s", s.failure != null ? "failed" : format(m.value(s))));
                String ratio = "-";
                String met = "";
                if (pgMcp.failure == null && reference.failure == null) {
                    double r = m.value(pgMcp) / m.value(reference);
                    ratio = String.format(Locale.ROOT, "%.2fx", r);
                    met = r <= m.target() ? "met" : "NOT met";
                }
                System.out.printf(Locale.ROOT, "  %-24s <= %.1fx %s%n", ratio, m.target(), met);
            }
            for (Server s : servers) {
                if (s.failure != null) {
                    System.out.println(s.name + ": failed: " + s.failure);
                }
            }
            positions(metrics);
            System.out.println("servers: " + String.join("; ", servers.stream().map(s -> s.name + " " + s.version + " (tool " + s.tool + ")")
                    .toList()) + "; node " + node + "; query: " + SQL);

            for (Server s : servers) {
                if (s.failure != null) {
                    System.out.printf(Locale.ROOT, "{\"measure\":\"peer_server\",\"server\":\"%s\",\"version\":\"%s\",\"status\":\"failed\","
                            + "\"reason\":\"%s\"}%n", s.name, JsonText.escape(s.version), JsonText.escape(s.failure));
                    continue;
                }
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                        "{\"measure\":\"peer_server\",\"server\":\"%s\",\"version\":\"%s\",\"tool\":\"%s\",\"status\":\"measured\"",
                        s.name, JsonText.escape(s.version), s.tool));
                for (Metric m : metrics) {
                    line.append(String.format(Locale.ROOT, ",\"%s\":%.3f", m.key(), m.value(s)));
                }
                line.append(String.format(Locale.ROOT, ",\"first_call_1_ms\":%.3f,\"cold_runs\":%d,\"first_calls\":%d,\"first_processes\":%d,"
                        + "\"warmup\":%d,\"calls\":%d}", positionMedian(s, 0, 1), plan.runs(), plan.firstCalls(), plan.rounds(),
                        plan.warmup(), plan.calls()));
                System.out.println(line);
            }
            for (Metric m : metrics) {
                if (pgMcp.failure == null && reference.failure == null) {
                    double r = m.value(pgMcp) / m.value(reference);
                    System.out.printf(Locale.ROOT, "{\"measure\":\"peer_ratio\",\"metric\":\"%s\",\"label\":\"%s\",\"pg_mcp\":%.3f,\"reference\":%.3f,"
                            + "\"ratio\":%.3f,\"target\":%.1f,\"met\":%b}%n", m.key(), JsonText.escape(m.label()), m.value(pgMcp), m.value(reference), r,
                            m.target(), r <= m.target());
                } else {
                    System.out.printf(Locale.ROOT, "{\"measure\":\"peer_ratio\",\"metric\":\"%s\",\"label\":\"%s\",\"target\":%.1f,"
                            + "\"status\":\"failed\",\"reason\":\"%s\"}%n", m.key(), JsonText.escape(m.label()), m.target(), JsonText.escape((pgMcp.failure != null ? "pg-mcp: " + pgMcp.failure
                            : REFERENCE + ": " + reference.failure)));
                }
            }
        }

        /** The first calls of a fresh process by position: where each server spends its first moments. */
        private void positions(List<Metric> metrics) {
            int n = plan.firstCalls();
            int[][] ranges = {{0, 1}, {1, Math.min(10, n)}, {10, Math.min(50, n)}, {50, n}};
            System.out.printf(Locale.ROOT, "%-48s", "first calls by position, median (ms)");
            for (int[] r : ranges) {
                if (r[0] < r[1]) {
                    System.out.printf(Locale.ROOT, " %12s", r[1] - r[0] == 1 ? "call " + r[1] : "calls " + (r[0] + 1) + "-" + r[1]);
                }
            }
            System.out.println();
            for (Server s : servers) {
                if (s.failure != null) {
                    continue;
                }
                System.out.printf(Locale.ROOT, "  %-46s", s.name);
                for (int[] r : ranges) {
                    if (r[0] < r[1]) {
                        System.out.printf(Locale.ROOT, " %12.3f", positionMedian(s, r[0], r[1]));
                    }
                }
                System.out.println();
            }
        }

        private static double positionMedian(Server s, int from, int to) {
            return pct(s.firstCalls.stream().flatMapToDouble(a -> Arrays.stream(a, from, to)).toArray(), 50);
        }

        private static double[] firstAll(Server s) {
            return s.firstCalls.stream().flatMapToDouble(Arrays::stream).toArray();
        }

        private static String format(double v) {
            return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.3f", v);
        }
    }

    record Metric(String key, String label, double target, ToDoubleFunction<Server> value) {
        double value(Server s) {
            return value.applyAsDouble(s);
        }
    }

    private static double median(List<Double> values) {
        return pct(values.stream().mapToDouble(Double::doubleValue).toArray(), 50);
    }

    private static double pct(double[] values, double p) {
        if (values == null || values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(sorted.length * p / 100.0) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String packageVersion(Path peers, String name) {
        try {
            return JSON.readTree(peers.resolve("node_modules").resolve(name).resolve("package.json").toFile()).path("version").asText("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String version(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return text.lines().findFirst().orElse("?").replaceFirst("^pg-mcp\\s*", "");
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private static int positive(String name, String value) {
        int n = nonNegative(name, value);
        if (n == 0) {
            throw new IllegalArgumentException(name + " must be at least 1, not " + value);
        }
        return n;
    }

    private static int nonNegative(String name, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 0) {
                throw new IllegalArgumentException(name + " must not be negative: " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a whole number: '" + value + "'", e);
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
