package io.pgmcp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster made with local {@code initdb}/{@code pg_ctl} in a fresh temporary
 * directory (data, log, unix socket), listening on a free port of 127.0.0.1, tuned for tests (no
 * fsync, 200 connections), run by {@link ClusterOwner}. The superuser {@value #SUPERUSER}
 * authenticates over TCP with SCRAM.
 *
 * <p>Thread-safe: {@link #restart()} and {@link #stop()} are serialised. A JVM killed before its
 * shutdown hook ran leaves its cluster behind; {@link #reapOrphans} removes such clusters.
 */
final class LocalCluster implements PostgresServer {

    static final String DIRECTORY_PREFIX = "pgmcp-pg-";
    static final String SUPERUSER = "pgmcp";
    private static final String OWNER_PID_FILE = "owner.pid";
    private static final String LOOPBACK = "127.0.0.1";
    private static final int START_TIMEOUT_SECONDS = 60;
    private static final int PORT_ATTEMPTS = 5;
    private static final System.Logger logger = System.getLogger(LocalCluster.class.getName());

    private final PostgresBinaries binaries;
    private final ClusterOwner owner;
    private final Path directory;
    private final String password;
    private final String version;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile int port;
    private volatile boolean stopped;

    private LocalCluster(PostgresBinaries binaries, ClusterOwner owner, Path directory, String password,
            String version) {
        this.binaries = binaries;
        this.owner = owner;
        this.directory = directory;
        this.password = password;
        this.version = version;
    }

    /**
     * Creates and starts a cluster in a new directory under {@code parent}.
     *
     * @throws IllegalStateException if initdb or the start fails; the message carries their output
     *     and the tail of the server log
     */
    static LocalCluster start(PostgresBinaries binaries, Path parent, String password)
            throws IOException, InterruptedException {
        ClusterOwner owner = ClusterOwner.forThisJvm();
        Path directory = Files.createTempDirectory(parent, DIRECTORY_PREFIX);
        LocalCluster cluster = null;
        try {
            Files.writeString(directory.resolve(OWNER_PID_FILE), Long.toString(ProcessHandle.current().pid()));
            owner.own(directory);
            Path passwordFile = directory.resolve("superuser.password");
            Files.writeString(passwordFile, password + "\n");
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
            owner.own(passwordFile);
            Path dataDirectory = directory.resolve("data");
            ClusterOwner.Result initdb = owner.run(directory, List.of(binaries.initdb().toString(),
                    "-D", dataDirectory.toString(), "-U", SUPERUSER, "--pwfile=" + passwordFile,
                    "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C", "--no-sync"));
            Files.delete(passwordFile);
            if (initdb.exitCode() != 0) {
                throw new IllegalStateException("initdb (as OS user " + owner.name() + ") failed with exit code "
                        + initdb.exitCode() + ":\n" + initdb.output());
            }
            Files.writeString(dataDirectory.resolve("postgresql.conf"), """

                    # pg-mcp test fixture: throwaway, loopback only, durability off for speed
                    listen_addresses = '127.0.0.1'
                    unix_socket_directories = '%s'
                    fsync = off
                    synchronous_commit = off
                    full_page_writes = off
                    max_connections = 200
                    """.formatted(directory.toString().replace("'", "''")), StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            String version = Files.readString(dataDirectory.resolve("PG_VERSION")).strip();
            cluster = new LocalCluster(binaries, owner, directory, password, version);
            cluster.startOnFreePort();
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (cluster != null) {
                cluster.stopQuietly();
            }
            try {
                deleteRecursively(directory);
            } catch (IOException | UncheckedIOException cleanupFailure) {
                e.addSuppressed(cleanupFailure);
            }
            throw e;
        }
    }

    @Override
    public String host() {
        return LOOPBACK;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String superuser() {
        return SUPERUSER;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public String maintenanceDatabase() {
        return "postgres";
    }

    /** The directory holding {@code data/}, the server log and the unix socket. */
    Path directory() {
        return directory;
    }

    Path dataDirectory() {
        return directory.resolve("data");
    }

    /** The OS user the server processes run as. */
    String osUser() {
        return owner.name();
    }

    /** The major version, from {@code PG_VERSION}. */
    String version() {
        return version;
    }

    @Override
    public String describe() {
        return "local binaries " + version + " at " + LOOPBACK + ":" + port + " (" + binaries.binDir()
                + ", run as " + owner.name() + ", in " + directory + ")";
    }

    /**
     * Stops the server ({@code -m fast}: sessions are terminated) and starts it again on the same
     * port; returns once it accepts connections.
     *
     * @throws IllegalStateException if it does not come back, with the server log's tail
     */
    void restart() throws IOException, InterruptedException {
        lock.lock();
        try {
            if (stopped) {
                throw new IllegalStateException("Cluster in " + directory + " was stopped; it cannot be restarted");
            }
            ClusterOwner.Result stop = pgCtl("-w", "-t", Integer.toString(START_TIMEOUT_SECONDS), "-m", "fast", "stop");
            if (stop.exitCode() != 0) {
                throw new IllegalStateException("pg_ctl stop failed with exit code " + stop.exitCode() + ":\n"
                        + stop.output() + "\nserver log (" + logFile() + ") ends with:\n" + logTail());
            }
            ClusterOwner.Result start = startOn(port);
            if (start.exitCode() != 0) {
                throw new IllegalStateException("Restart on port " + port + " failed: " + startFailure(start));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the server at once ({@code -m immediate}) and deletes the directory. Idempotent. */
    @Override
    public void stop() {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;
            stopQuietly();
            deleteRecursively(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete test cluster directory " + directory, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops and deletes clusters under {@code parent} whose JVM is gone (killed before its shutdown
     * hook could run). Best effort: problems are logged, not thrown.
     */
    static void reapOrphans(Path parent, PostgresBinaries binaries) {
        List<Path> candidates;
        try (Stream<Path> children = Files.list(parent)) {
            candidates = children.filter(path -> path.getFileName().toString().startsWith(DIRECTORY_PREFIX))
                    .filter(Files::isDirectory)
                    .toList();
        } catch (IOException e) {
            logger.log(System.Logger.Level.WARNING, "Cannot look for orphaned test clusters in " + parent, e);
            return;
        }
        for (Path candidate : candidates) {
            try {
                if (!ownerIsGone(candidate.resolve(OWNER_PID_FILE))) {
                    continue;
                }
                if (Files.exists(candidate.resolve("data").resolve("postmaster.pid"))) {
                    ClusterOwner.forThisJvm().run(parent, List.of(binaries.pgCtl().toString(),
                            "-D", candidate.resolve("data").toString(), "-m", "immediate", "stop"));
                }
                deleteRecursively(candidate);
                logger.log(System.Logger.Level.INFO, "Removed orphaned test cluster " + candidate);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                logger.log(System.Logger.Level.WARNING, "Cannot remove orphaned test cluster " + candidate, e);
            }
        }
    }

    private void startOnFreePort() throws IOException, InterruptedException {
        for (int attempt = 1;; attempt++) {
            int candidate = freeLoopbackPort();
            long logOffset = Files.exists(logFile()) ? Files.size(logFile()) : 0;
            ClusterOwner.Result start = startOn(candidate);
            if (start.exitCode() == 0) {
                port = candidate;
                return;
            }
            // another process may take the port between our probe and the server's bind
            boolean collision = portTaken(candidate) || logSince(logOffset).contains("could not bind");
            if (!collision || attempt == PORT_ATTEMPTS) {
                throw new IllegalStateException("Cannot start the test cluster on port " + candidate
                        + " (attempt " + attempt + " of " + PORT_ATTEMPTS + "): " + startFailure(start));
            }
            logger.log(System.Logger.Level.INFO, "Port " + candidate + " was taken; retrying on another");
        }
    }

    private ClusterOwner.Result startOn(int candidatePort) throws IOException, InterruptedException {
        return pgCtl("-w", "-t", Integer.toString(START_TIMEOUT_SECONDS), "-l", logFile().toString(),
                "-o", "-p " + candidatePort, "start");
    }

    private void stopQuietly() {
        try {
            ClusterOwner.Result result = pgCtl("-m", "immediate", "stop");
            if (result.exitCode() != 0 && Files.exists(dataDirectory().resolve("postmaster.pid"))) {
                logger.log(System.Logger.Level.WARNING, "pg_ctl stop failed for " + directory + ": " + result.output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            logger.log(System.Logger.Level.WARNING, "pg_ctl stop failed for " + directory, e);
        }
    }

    private ClusterOwner.Result pgCtl(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binaries.pgCtl().toString(), "-D", dataDirectory().toString()));
        command.addAll(List.of(arguments));
        return owner.run(directory, command);
    }

    private Path logFile() {
        return directory.resolve("server.log");
    }

    private String startFailure(ClusterOwner.Result start) throws IOException {
        return "pg_ctl start exited with " + start.exitCode() + ":\n" + start.output()
                + "\nserver log (" + logFile() + ") ends with:\n" + logTail();
    }

    private String logTail() throws IOException {
        if (!Files.exists(logFile())) {
            return "(no server log)";
        }
        List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private String logSince(long offset) throws IOException {
        if (!Files.exists(logFile())) {
            return "";
        }
        byte[] bytes = Files.readAllBytes(logFile());
        int from = (int) Math.min(offset, bytes.length);
        return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        }
    }

    private static boolean portTaken(int candidate) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), candidate));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** True when the JVM that wrote {@code pidFile} no longer runs (a reused pid started later). */
    private static boolean ownerIsGone(Path pidFile) throws IOException {
        if (!Files.isRegularFile(pidFile)) {
            return false; // being created right now, or not ours
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (NumberFormatException e) {
            return false;
        }
        FileTime written = Files.getLastModifiedTime(pidFile);
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return true;
        }
        Optional<Instant> started = process.get().info().startInstant();
        return started.isPresent() && started.get().isAfter(written.toInstant().plusSeconds(1));
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (UncheckedIOException e) {
            // a file vanished while we walked, e.g. the socket lock of a server shutting down
            if (!(e.getCause() instanceof NoSuchFileException)) {
                throw e.getCause();
            }
        }
    }
}
