package io.pgmcp.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.opentest4j.TestAbortedException;
import org.postgresql.Driver;
import org.testcontainers.DockerClientFactory;

/**
 * The PostgreSQL server tests run against: provisions it and creates databases and roles on it.
 *
 * <p>{@link #shared()} provisions one server per JVM, lazily and once, in this order:
 * {@code PG_MCP_TEST_URL}; else a throwaway cluster from local binaries ({@link LocalCluster});
 * else Testcontainers {@code postgres:16}; else it throws, saying what to install. A failed
 * provisioning is remembered: later calls throw at once instead of trying again.
 *
 * <p>Every test class gets its own database, a copy of the empty template {@value #TEMPLATE} made
 * by {@link #createDatabase}. Nothing ever connects to the template (it does not allow
 * connections), and copies are made one at a time, so {@code CREATE DATABASE ... TEMPLATE} cannot
 * fail for "source database is being accessed by other users".
 *
 * <p>Thread-safe. At JVM exit a shutdown hook stops what the fixture started (local cluster:
 * {@code pg_ctl stop -m immediate} and its directory deleted; container: stopped) or, on a
 * {@code PG_MCP_TEST_URL} server, drops the databases and roles this JVM created.
 *
 * <p>Methods throw {@link IllegalStateException} when the server misbehaves, with the server's
 * message, SQLSTATE and description in the message and the cause chained.
 */
public final class TestPostgres implements AutoCloseable {

    /** The template every test database is copied from; empty, encoding UTF8, locale C. */
    public static final String TEMPLATE = "pgmcp_template";

    private static final String DUPLICATE_DATABASE = "42P04";
    private static final String DUPLICATE_OBJECT = "42710";
    private static final String UNIQUE_VIOLATION = "23505";
    private static final SecureRandom random = new SecureRandom();
    private static final Driver driver = new Driver();
    private static final System.Logger logger = System.getLogger(TestPostgres.class.getName());

    private static final ReentrantLock sharedLock = new ReentrantLock();
    private static TestPostgres shared; // guarded by sharedLock
    private static RuntimeException sharedFailure; // guarded by sharedLock

    private final PostgresServer server;
    private final boolean isShared;
    private final ReentrantLock creationLock = new ReentrantLock();
    private final String runId = randomText("abcdefghijklmnopqrstuvwxyz0123456789", 4);
    private final AtomicInteger sequence = new AtomicInteger();
    private final Set<String> databases = ConcurrentHashMap.newKeySet();
    private final Set<String> roles = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String copyStrategy = "";
    private final Thread shutdownHook = new Thread(this::shutdown, "pgmcp-test-postgres-shutdown");

    private TestPostgres(PostgresServer server, boolean isShared) {
        this.server = server;
        this.isShared = isShared;
    }

    /**
     * The server of this JVM, provisioned on the first call (which may take a second or two).
     *
     * @throws IllegalStateException if no server can be provisioned, saying why and what to install
     * @throws IllegalArgumentException if {@code PG_MCP_TEST_URL} is set but malformed
     */
    public static TestPostgres shared() {
        sharedLock.lock();
        try {
            if (shared != null) {
                return shared;
            }
            if (sharedFailure != null) {
                throw new IllegalStateException("The test PostgreSQL could not be provisioned earlier in this JVM: "
                        + sharedFailure.getMessage(), sharedFailure);
            }
            try {
                ServerSource source = ServerSource.choose(Optional.ofNullable(System.getenv("PG_MCP_TEST_URL")),
                        PostgresBinaries.find(), TestPostgres::dockerAvailable);
                if (source instanceof ServerSource.LocalBinaries local) {
                    LocalCluster.reapOrphans(temporaryDirectory(), local.binaries());
                }
                shared = provision(source, true);
                return shared;
            } catch (RuntimeException e) {
                if (!Thread.currentThread().isInterrupted()) {
                    sharedFailure = e; // an interrupt is the caller's doing: let the next caller try again
                }
                throw e;
            }
        } finally {
            sharedLock.unlock();
        }
    }

    /**
     * A new cluster from local binaries, for this caller alone: for tests that {@link #restart()} it
     * or otherwise disturb the whole server. Close it when done (a shutdown hook is the safety net).
     *
     * @throws TestAbortedException if there are no local binaries, so the test is skipped
     */
    public static TestPostgres startIsolated() {
        PostgresBinaries binaries = PostgresBinaries.find().orElseThrow(() -> new TestAbortedException(
                "This test needs its own cluster and so local PostgreSQL server binaries (initdb/pg_ctl on PATH or under "
                        + PostgresBinaries.DEBIAN_ROOT + "/*/bin); install them (Debian: apt-get install postgresql)"));
        return provision(new ServerSource.LocalBinaries(binaries), false);
    }

    /**
     * Creates a database named after {@code prefix} (typically the test class's simple name, made
     * a valid identifier, with a unique suffix) as a copy of {@value #TEMPLATE}, then runs each
     * setup script in it, in order. If a script fails the database is dropped again.
     *
     * @throws IllegalStateException if creation or a script fails; the message names the script
     */
    public TestDatabase createDatabase(String prefix, String... setupSql) {
        return createDatabase(prefix, Arrays.stream(setupSql).map(SetupScript::inline).toList());
    }

    /** As {@link #createDatabase(String, String...)}, with scripts that carry their locations. */
    public TestDatabase createDatabase(String prefix, List<SetupScript> scripts) {
        requireOpen();
        String name = databaseName(prefix, runId, sequence.incrementAndGet());
        creationLock.lock();
        try (Connection connection = connectAdmin(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + quoteIdentifier(name) + " TEMPLATE " + TEMPLATE + copyStrategy);
            databases.add(name);
        } catch (SQLException e) {
            throw failure("Cannot create database " + name + " from " + TEMPLATE, e);
        } finally {
            creationLock.unlock();
        }
        TestDatabase database = new TestDatabase(this, name);
        try {
            runScripts(database, scripts);
        } catch (RuntimeException e) {
            try {
                dropDatabase(name);
            } catch (RuntimeException dropFailure) {
                e.addSuppressed(dropFailure);
            }
            throw e;
        }
        return database;
    }

    /**
     * Creates a login role with this password, or resets the password of an existing one (roles are
     * cluster-wide: parallel test classes should use distinct names, or agree on the password).
     */
    public void createRole(String name, String password) {
        requireOpen();
        creationLock.lock();
        try (Connection connection = connectAdmin(); Statement statement = connection.createStatement()) {
            try {
                statement.execute("CREATE ROLE " + quoteIdentifier(name) + " LOGIN PASSWORD " + quoteLiteral(password));
                roles.add(name);
            } catch (SQLException e) {
                if (!DUPLICATE_OBJECT.equals(e.getSQLState()) && !UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                statement.execute("ALTER ROLE " + quoteIdentifier(name) + " LOGIN PASSWORD " + quoteLiteral(password));
            }
        } catch (SQLException e) {
            throw failure("Cannot create role " + name, e);
        } finally {
            creationLock.unlock();
        }
    }

    public String host() {
        return server.host();
    }

    public int port() {
        return server.port();
    }

    public String superuser() {
        return server.superuser();
    }

    public String password() {
        return server.password();
    }

    /**
     * Where the server is and what it is, e.g. {@code local binaries 15 at 127.0.0.1:41234 (...)},
     * {@code PG_MCP_TEST_URL postgresql://u:***@h:5432/postgres}, {@code testcontainers postgres:16 at ...}.
     */
    public String describe() {
        return server.describe();
    }

    /**
     * Stops the server ({@code pg_ctl -m fast}: open sessions are terminated) and starts it again on
     * the same host and port, returning once it accepts connections. Only for a cluster from
     * {@link #startIsolated()}: restarting the shared one would break the test classes running in
     * parallel.
     *
     * @throws IllegalStateException if called on {@link #shared()}, or if the server does not come back
     */
    public void restart() {
        requireOpen();
        if (isShared) {
            throw new IllegalStateException("Restarting the shared test PostgreSQL would break the test classes "
                    + "running in parallel; get a cluster of your own with TestPostgres.startIsolated()");
        }
        if (!(server instanceof LocalCluster cluster)) {
            throw new IllegalStateException(
                    "Only a cluster from local binaries can be restarted; this is " + describe());
        }
        try {
            cluster.restart();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while restarting " + describe(), e);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot restart " + describe(), e);
        }
    }

    /**
     * Stops a server from {@link #startIsolated()} and deletes its files. Idempotent.
     *
     * @throws IllegalStateException on {@link #shared()}, which lives until the JVM exits
     */
    @Override
    public void close() {
        if (isShared) {
            throw new IllegalStateException("The shared test PostgreSQL lives until the JVM exits; "
                    + "close only what startIsolated() returned");
        }
        shutdown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook has run or will find us closed
        }
    }

    @Override
    public String toString() {
        return "TestPostgres[" + describe() + "]";
    }

    /** The running server, for the fixture's own tests. */
    PostgresServer server() {
        return server;
    }

    /** Drops a database this fixture created, terminating its sessions. */
    void dropDatabase(String name) {
        try (Connection connection = connectAdmin(); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + quoteIdentifier(name) + " WITH (FORCE)");
            databases.remove(name);
        } catch (SQLException e) {
            throw failure("Cannot drop database " + name, e);
        }
    }

    /**
     * A valid, unquoted-safe database name of at most 63 bytes: {@code prefix} lower-cased with
     * anything but {@code [a-z0-9_]} replaced by {@code _}, then {@code _runId_sequence}.
     */
    static String databaseName(String prefix, String runId, int sequence) {
        String suffix = "_" + runId + "_" + sequence;
        String base = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (base.isEmpty() || Character.isDigit(base.charAt(0))) {
            base = "db_" + base;
        }
        return base.substring(0, Math.min(base.length(), 63 - suffix.length())) + suffix;
    }

    static String quoteIdentifier(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static String quoteLiteral(String literal) {
        return "'" + literal.replace("'", "''") + "'";
    }

    Connection connect(String database, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "10");
        // pgjdbc directly: DriverManager would also load Testcontainers' jdbc:tc: driver and its logging
        return driver.connect("jdbc:postgresql://" + host() + ":" + port() + "/" + database, properties);
    }

    private static TestPostgres provision(ServerSource source, boolean isShared) {
        long started = System.nanoTime();
        PostgresServer server = switch (source) {
            case ServerSource.EnvironmentUrl url -> new ExternalServer(url.url());
            case ServerSource.LocalBinaries local -> startLocal(local.binaries());
            case ServerSource.Docker docker -> ContainerServer.start(docker.image(), randomPassword());
            case ServerSource.Unavailable unavailable -> throw new IllegalStateException(unavailable.message());
        };
        TestPostgres postgres = new TestPostgres(server, isShared);
        try {
            postgres.createTemplate();
        } catch (RuntimeException e) {
            server.stop();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(postgres.shutdownHook);
        logger.log(System.Logger.Level.INFO, "Test PostgreSQL " + (isShared ? "(shared) " : "(isolated) ")
                + server.describe() + ", ready in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        return postgres;
    }

    private static LocalCluster startLocal(PostgresBinaries binaries) {
        try {
            return LocalCluster.start(binaries, temporaryDirectory(), randomPassword());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting a test cluster from " + binaries.binDir(), e);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start a test cluster from " + binaries.binDir() + ": " + e, e);
        }
    }

    private void createTemplate() {
        try (Connection connection = connectAdmin(); Statement statement = connection.createStatement()) {
            try (ResultSet version = statement.executeQuery("SHOW server_version_num")) {
                version.next();
                // FILE_COPY (PostgreSQL 15+) copies a small template in half the time of the default WAL_LOG
                copyStrategy = Integer.parseInt(version.getString(1)) >= 150000 ? " STRATEGY FILE_COPY" : "";
            }
            try (ResultSet exists = statement.executeQuery(
                    "SELECT 1 FROM pg_database WHERE datname = " + quoteLiteral(TEMPLATE))) {
                if (exists.next()) {
                    return; // made by an earlier run against the same PG_MCP_TEST_URL server
                }
            }
            try {
                statement.execute("CREATE DATABASE " + TEMPLATE
                        + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
            } catch (SQLException e) {
                if (DUPLICATE_DATABASE.equals(e.getSQLState())) {
                    return; // another JVM made it just now
                }
                throw e;
            }
            statement.execute("ALTER DATABASE " + TEMPLATE + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
        } catch (SQLException e) {
            throw failure("Cannot create the template database " + TEMPLATE, e);
        }
    }

    private void runScripts(TestDatabase database, List<SetupScript> scripts) {
        if (scripts.isEmpty()) {
            return;
        }
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            for (SetupScript script : scripts) {
                try {
                    statement.execute(script.sql());
                } catch (SQLException e) {
                    throw failure("Setup script " + script.location() + " failed in database " + database.name(), e);
                }
            }
        } catch (SQLException e) {
            throw failure("Cannot connect to new database " + database.name(), e);
        }
    }

    private Connection connectAdmin() throws SQLException {
        return connect(server.maintenanceDatabase(), server.superuser(), server.password());
    }

    private void shutdown() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (server instanceof ExternalServer) {
            dropWhatThisRunCreated();
        }
        server.stop();
    }

    private void dropWhatThisRunCreated() {
        try (Connection connection = connectAdmin(); Statement statement = connection.createStatement()) {
            for (String database : databases) {
                dropQuietly(statement, "DROP DATABASE IF EXISTS " + quoteIdentifier(database) + " WITH (FORCE)");
            }
            for (String role : roles) {
                dropQuietly(statement, "DROP ROLE IF EXISTS " + quoteIdentifier(role));
            }
        } catch (SQLException e) {
            logger.log(System.Logger.Level.WARNING, "Cannot clean up on " + describe(), e);
        }
    }

    private static void dropQuietly(Statement statement, String sql) {
        try {
            statement.execute(sql);
        } catch (SQLException e) {
            logger.log(System.Logger.Level.WARNING, sql + " failed: " + e.getMessage());
        }
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("Test PostgreSQL " + describe() + " is closed");
        }
    }

    private IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException(what + " on " + describe() + ": " + e.getMessage()
                + " (SQLSTATE " + e.getSQLState() + ")", e);
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Path temporaryDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static String randomPassword() {
        return randomText("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 24);
    }

    private static String randomText(String alphabet, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
