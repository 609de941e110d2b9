package io.pgmcp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * A real Keycloak as the OAuth 2.1 / OpenID Connect identity provider of tests: one server per test
 * JVM, {@link #shared()}, started on first use ({@code kc.sh start-dev} with an in-memory database,
 * listening on 127.0.0.1 on a free port, heap capped at 512 MB) with the realm {@value #REALM}
 * imported from {@code io/pgmcp/keycloak/pgmcp-realm.json}, and stopped, its whole process tree, by a
 * shutdown hook. {@link KeycloakEarlyStart} begins the start when a test plan that uses the
 * {@link Fixture} begins, so it overlaps the tests that run first. Where it cannot run ({@link #availability()}: zip not fetched, no JDK 21+, too little
 * memory) tests are skipped, never failed. Register the {@link Fixture} so the start is not subject to
 * JUnit's per-method timeout:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final Keycloak.Fixture keycloak = Keycloak.fixture();   // skips the tests where it cannot run
 *
 * @Test void acceptsAlice() {
 *     String token = keycloak.get().token(Keycloak.ALICE);       // RS256, aud = Keycloak.RESOURCE
 *     ... keycloak.get().issuer(), keycloak.get().jwksUri() ...
 * }
 * }</pre>
 *
 * <p>The realm: users {@link #ALICE} (group {@code analysts}), {@link #BOB} ({@code support}) and
 * {@link #CAROL} (no group); the public client {@value #CLIENT} (password grant) whose access tokens
 * carry {@code aud} {@value #RESOURCE} (a string, as Keycloak writes a single audience),
 * {@code groups} (names without path), {@code scope} with {@value #SCOPE}, {@code sub} and
 * {@code preferred_username}; and the public client {@value #OTHER_CLIENT} whose tokens carry neither
 * that audience nor that scope. Access tokens live 5 minutes.
 *
 * <p>{@link #rotateKeys} changes the realm's signing key for everyone using the shared server: a test
 * class that rotates holds {@code @ResourceLock(Keycloak.LOCK)}, and one that must not see a rotation
 * between taking a token and using it holds {@code @ResourceLock(value = Keycloak.LOCK, mode = READ)}.
 *
 * <p>Thread-safe. Methods throw {@link IllegalStateException} when Keycloak answers unexpectedly, with
 * the HTTP status and body in the message.
 */
public final class Keycloak {

    public static final String REALM = "pgmcp";
    /** The audience pg-mcp's tokens are issued for: the resource server's URI. */
    public static final String RESOURCE = "https://pg-mcp.test/mcp";
    public static final String SCOPE = "mcp:query";
    public static final String CLIENT = "pg-mcp-test";
    /** A client of the same realm whose tokens are not for {@link #RESOURCE}. */
    public static final String OTHER_CLIENT = "other-app";
    /** The {@code @ResourceLock} key of the shared server's signing keys. */
    public static final String LOCK = "io.pgmcp.testing.Keycloak";
    public static final User ALICE = new User("alice", "alice-password", "analysts");
    public static final User BOB = new User("bob", "bob-password", "support");
    public static final User CAROL = new User("carol", "carol-password", null);

    static final String REALM_RESOURCE = "/io/pgmcp/keycloak/pgmcp-realm.json";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
    private static final String ADMIN = "admin";
    private static final String KEY_PROVIDER = "org.keycloak.keys.KeyProvider";
    private static final String OWNER_FILE = "pgmcp-owner";
    private static final int LOG_TAIL_LINES = 60;
    private static final int PORT_ATTEMPTS = 3;
    private static final ObjectMapper json = new ObjectMapper();
    private static final SecureRandom random = new SecureRandom();
    private static final System.Logger logger = System.getLogger(Keycloak.class.getName());

    private static final ReentrantLock sharedLock = new ReentrantLock();
    private static FutureTask<Keycloak> sharedStart; // guarded by sharedLock

    private final Process process;
    private final int port;
    private final String adminPassword;
    private final Path log;
    private final HttpClient http;
    private final ReentrantLock rotationLock = new ReentrantLock();

    /** A user of the realm, with their one group ({@code null}: none). */
    public record User(String name, String password, String group) {
        public User {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(password, "password");
        }
    }

    /** How {@link #rotateKeys} retires the signing key it replaces. */
    public enum RetiredKey {
        /** Still published in the JWKS, so tokens it signed still verify; no longer signs. */
        PASSIVE,
        /** Disabled: gone from the JWKS, so tokens it signed no longer verify. */
        REMOVED
    }

    private Keycloak(Process process, int port, String adminPassword, Path log, HttpClient http) {
        this.process = process;
        this.port = port;
        this.adminPassword = adminPassword;
        this.log = log;
        this.http = http;
    }

    /** Why Keycloak cannot run on this machine (then tests skip with this message); empty if it can. */
    public static Optional<String> availability() {
        return switch (KeycloakDistribution.find()) {
            case KeycloakDistribution.Result.Available available -> Optional.empty();
            case KeycloakDistribution.Result.Unavailable unavailable -> Optional.of(unavailable.reason());
        };
    }

    /** The JUnit extension that starts the shared server, or skips the tests where it cannot run. */
    public static Fixture fixture() {
        return new Fixture();
    }

    /**
     * The server of this JVM, started on the first call unless {@link KeycloakEarlyStart} began it
     * when the test plan started (15–60 s, longer on a loaded machine; the first start after
     * unpacking also builds Keycloak's configuration, 20–90 s more). The start runs on a thread of its
     * own, so an interrupted caller does not abort it; a failed start is remembered and every caller
     * gets its failure.
     *
     * @throws TestAbortedException if Keycloak cannot run here ({@link #availability()})
     * @throws IllegalStateException if it can but did not start; the message carries the log's tail
     */
    public static Keycloak shared() {
        FutureTask<Keycloak> start = beginSharedStart();
        try {
            return start.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Keycloak to start", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Keycloak did not start: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Begins starting the shared server in the background, if not begun already, and returns its
     * start.
     *
     * @throws TestAbortedException if Keycloak cannot run here ({@link #availability()})
     */
    static FutureTask<Keycloak> beginSharedStart() {
        sharedLock.lock();
        try {
            if (sharedStart == null) {
                KeycloakDistribution distribution = switch (KeycloakDistribution.find()) {
                    case KeycloakDistribution.Result.Available available -> available.distribution();
                    case KeycloakDistribution.Result.Unavailable unavailable -> throw new TestAbortedException(
                            unavailable.reason());
                };
                sharedStart = new FutureTask<>(() -> start(distribution, Path.of("target").toAbsolutePath()));
                Thread.ofPlatform().daemon().name("pgmcp-keycloak-start").start(sharedStart);
            }
            return sharedStart;
        } finally {
            sharedLock.unlock();
        }
    }

    /** {@code http://127.0.0.1:PORT/realms/pgmcp}, as the {@code iss} of its tokens. */
    public String issuer() {
        return baseUrl() + "/realms/" + REALM;
    }

    public String jwksUri() {
        return issuer() + "/protocol/openid-connect/certs";
    }

    public String tokenEndpoint() {
        return issuer() + "/protocol/openid-connect/token";
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The realm's JSON Web Key Set, as served at {@link #jwksUri()}. */
    public String jwks() {
        return send(HttpRequest.newBuilder(URI.create(jwksUri())).GET(), 200, "fetch the JWKS").body();
    }

    /** An access token of {@value #CLIENT} for this user (password grant). */
    public String token(User user) {
        return token(CLIENT, user.name(), user.password());
    }

    /**
     * An access token of {@code client} (password grant, the client's default scopes).
     *
     * @throws IllegalStateException if Keycloak refuses (wrong password: HTTP 400, {@code invalid_grant})
     */
    public String token(String client, String username, String password) {
        HttpResponse<String> response = send(post(tokenEndpoint(),
                Map.of("grant_type", "password", "client_id", client, "username", username, "password", password)),
                200, "issue a token of " + client + " for " + username);
        return field(response.body(), "access_token");
    }

    /**
     * Adds a new RS256 key of higher priority, which signs every token from now on, and retires the
     * realm's current RS256 signing keys as {@code retired} says. Through the admin REST API.
     *
     * @return the {@code kid} of the new key
     */
    public String rotateKeys(RetiredKey retired) {
        rotationLock.lock();
        try {
            String admin = "Bearer " + field(send(post(baseUrl() + "/realms/master/protocol/openid-connect/token",
                    Map.of("grant_type", "password", "client_id", "admin-cli", "username", ADMIN, "password",
                            adminPassword)),
                    200, "log in as the admin").body(), "access_token");
            String realmAdmin = baseUrl() + "/admin/realms/" + REALM;
            List<JsonNode> signing = new ArrayList<>();
            int priority = 0;
            for (JsonNode key : read(send(get(realmAdmin + "/keys", admin), 200, "list the keys").body())
                    .path("keys")) {
                if (key.path("algorithm").asText().equals("RS256") && key.path("use").asText().equals("SIG")
                        && key.path("status").asText().equals("ACTIVE")) {
                    signing.add(key);
                    priority = Math.max(priority, key.path("providerPriority").asInt());
                }
            }
            String realmId = field(send(get(realmAdmin, admin), 200, "read the realm").body(), "id");
            ObjectNode component = json.createObjectNode().put("name", "rsa-rotated-" + randomText(6))
                    .put("providerId", "rsa-generated").put("providerType", KEY_PROVIDER).put("parentId", realmId);
            ObjectNode config = component.putObject("config");
            config.putArray("priority").add(Integer.toString(priority + 1));
            config.putArray("algorithm").add("RS256");
            config.putArray("keySize").add("2048");
            config.putArray("active").add("true");
            config.putArray("enabled").add("true");
            HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(realmAdmin + "/components"))
                    .header("Authorization", admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(component.toString())), 201, "add a signing key");
            String location = created.headers().firstValue("Location")
                    .orElseThrow(() -> new IllegalStateException("Keycloak created a key without a Location"));
            String newProvider = location.substring(location.lastIndexOf('/') + 1);
            for (JsonNode old : signing) {
                String url = realmAdmin + "/components/" + old.path("providerId").asText();
                ObjectNode oldComponent = (ObjectNode) read(send(get(url, admin), 200, "read a key").body());
                String setting = retired == RetiredKey.PASSIVE ? "active" : "enabled";
                JsonNode oldConfig = oldComponent.get("config");
                (oldConfig instanceof ObjectNode object ? object : oldComponent.putObject("config"))
                        .putArray(setting).add("false");
                send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", admin)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(oldComponent.toString())), 204, "retire a key");
            }
            for (JsonNode key : read(send(get(realmAdmin + "/keys", admin), 200, "list the keys").body())
                    .path("keys")) {
                if (key.path("providerId").asText().equals(newProvider)) {
                    return key.path("kid").asText();
                }
            }
            throw new IllegalStateException("The new key provider " + newProvider + " has no key");
        } finally {
            rotationLock.unlock();
        }
    }

    /** Stops the server and every process it started; idempotent. */
    void stop() {
        ProcessTree.destroy(process.toHandle(), Duration.ofSeconds(15));
    }

    private static Keycloak start(KeycloakDistribution distribution, Path buildDirectory) {
        Path home;
        try {
            home = distribution.unpackInto(buildDirectory);
            reapOrphan(home);
            Path imports = home.resolve("data").resolve("import");
            Files.createDirectories(imports);
            try (InputStream realm = Keycloak.class.getResourceAsStream(REALM_RESOURCE)) {
                if (realm == null) {
                    throw new IllegalStateException("No realm " + REALM_RESOURCE + " on the test classpath");
                }
                Files.copy(realm, imports.resolve(REALM + "-realm.json"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare Keycloak under " + buildDirectory, e);
        }
        Path log = buildDirectory.resolve("keycloak-" + ProcessHandle.current().pid() + ".log");
        String adminPassword = randomText(24);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long started = System.nanoTime();
        long deadline = started + START_TIMEOUT.toNanos();
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the old " + log, e);
        }
        for (int attempt = 1;; attempt++) {
            int port = freePort();
            Keycloak keycloak = launch(distribution, home, port, adminPassword, log, http);
            try {
                keycloak.awaitReady(deadline);
                logger.log(System.Logger.Level.INFO, "Keycloak " + KeycloakDistribution.VERSION + " ready at "
                        + keycloak.issuer() + " after " + Duration.ofNanos(System.nanoTime() - started).toMillis()
                        + " ms (log " + log + ")");
                return keycloak;
            } catch (RuntimeException e) {
                keycloak.stop();
                // the port was free when chosen, but Keycloak binds it only at the end of its start
                if (attempt < PORT_ATTEMPTS && portTaken(keycloak.logTail(), port)) {
                    logger.log(System.Logger.Level.WARNING, "Port " + port + " was taken before Keycloak bound it; "
                            + "starting again on another");
                    continue;
                }
                throw e;
            }
        }
    }

    private static Keycloak launch(KeycloakDistribution distribution, Path home, int port, String adminPassword,
            Path log, HttpClient http) {
        List<String> command = List.of(distribution.bash().toString(), home.resolve("bin").resolve("kc.sh").toString(),
                "start-dev", "--db=dev-mem", "--http-host=127.0.0.1", "--http-port=" + port, "--import-realm",
                "--hostname-strict=false");
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("KC_") || name.startsWith("KEYCLOAK_")
                || name.startsWith("QUARKUS_") || name.startsWith("JAVA_OPTS") || name.equals("JAVA_TOOL_OPTIONS"));
        environment.put("JAVA_HOME", distribution.javaHome().toString());
        environment.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
        environment.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
        environment.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
        try {
            Process process = builder.start();
            // registered at once: a JVM that ends while Keycloak is still starting must not leave it behind
            Runtime.getRuntime().addShutdownHook(new Thread(
                    () -> ProcessTree.destroy(process.toHandle(), Duration.ofSeconds(15)), "pgmcp-keycloak-shutdown"));
            process.getOutputStream().close();
            Files.writeString(home.resolve("data").resolve(OWNER_FILE),
                    ProcessHandle.current().pid() + " " + process.pid() + "\n");
            return new Keycloak(process, port, adminPassword, log, http);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + String.join(" ", command), e);
        }
    }

    /** Whether Keycloak's log says it could not bind {@code port} (it then exits with status 1). */
    static boolean portTaken(String log, int port) {
        return log.contains("Port already bound: " + port + ":");
    }

    /** Polls the realm's discovery document until it answers 200 with the expected issuer. */
    private void awaitReady(long deadline) {
        URI discovery = URI.create(issuer() + "/.well-known/openid-configuration");
        String lastAttempt = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with status " + process.exitValue()
                        + " before it was ready; the end of " + log + ":\n" + logTail());
            }
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    String issuer = field(response.body(), "issuer");
                    if (!issuer.equals(issuer())) {
                        throw new IllegalStateException("Keycloak names its issuer " + issuer + ", not " + issuer());
                    }
                    return;
                }
                lastAttempt = "HTTP " + response.statusCode();
            } catch (IOException e) {
                lastAttempt = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Keycloak to start", e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Keycloak to start", e);
            }
        }
        throw new IllegalStateException("Keycloak was not ready within " + START_TIMEOUT.toSeconds() + " s ("
                + discovery + ": " + lastAttempt + "); the end of " + log + ":\n" + logTail());
    }

    /**
     * A server left behind by a JVM killed before its shutdown hook ran still holds this installation;
     * kill it, but only if it is still that server (its command line names this installation).
     */
    private static void reapOrphan(Path home) throws IOException {
        Path ownerFile = home.resolve("data").resolve(OWNER_FILE);
        if (!Files.isRegularFile(ownerFile)) {
            return;
        }
        String[] pids = Files.readString(ownerFile).strip().split(" ");
        if (pids.length == 2 && ProcessHandle.of(Long.parseLong(pids[0])).filter(ProcessHandle::isAlive).isEmpty()) {
            ProcessHandle.of(Long.parseLong(pids[1]))
                    .filter(server -> server.info().commandLine().orElse("").contains(home.toString()))
                    .ifPresent(server -> {
                        logger.log(System.Logger.Level.WARNING, "Stopping Keycloak " + server.pid()
                                + " left behind by JVM " + pids[0]);
                        ProcessTree.destroy(server, Duration.ofSeconds(15));
                    });
        }
        Files.delete(ownerFile);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, int expectedStatus, String what) {
        try {
            HttpResponse<String> response = http.send(request.timeout(REQUEST_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expectedStatus) {
                throw new IllegalStateException("Keycloak did not " + what + ": HTTP " + response.statusCode() + " "
                        + response.body());
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException("Keycloak did not " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while asking Keycloak to " + what, e);
        }
    }

    private static HttpRequest.Builder post(String url, Map<String, String> form) {
        String body = new LinkedHashMap<>(form).entrySet().stream()
                .map(field -> URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpRequest.Builder get(String url, String authorization) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", authorization).GET();
    }

    private static JsonNode read(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak answered with something other than JSON: " + body, e);
        }
    }

    private static String field(String body, String name) {
        JsonNode value = read(body).get(name);
        if (value == null || !value.isTextual()) {
            throw new IllegalStateException("Keycloak's answer has no " + name + ": " + body);
        }
        return value.asText();
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on the loopback interface", e);
        }
    }

    private static String randomText(int length) {
        String alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /**
     * Gives a test class the {@link #shared()} server: started in {@code beforeAll} (an extension
     * callback, so JUnit's default per-method timeout does not cut the start short); where Keycloak
     * cannot run, each test is skipped with {@link #availability()}'s reason (a class aborted in
     * {@code beforeAll} shows in surefire's report as no tests at all, without the reason).
     */
    public static final class Fixture implements BeforeAllCallback, BeforeEachCallback {

        private volatile Keycloak keycloak;
        private volatile String unavailable;

        private Fixture() {}

        @Override
        public void beforeAll(ExtensionContext context) {
            try {
                keycloak = shared();
            } catch (TestAbortedException e) {
                unavailable = e.getMessage();
            }
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            String reason = unavailable;
            if (reason != null) {
                throw new TestAbortedException(reason);
            }
        }

        /**
         * @throws IllegalStateException before {@code beforeAll} ran (not registered in a static field)
         */
        public Keycloak get() {
            Keycloak current = keycloak;
            if (current == null) {
                throw new IllegalStateException("No Keycloak: register Keycloak.fixture() in a static "
                        + "@RegisterExtension field and call get() from within the class's tests");
            }
            return current;
        }
    }
}
