package io.pgmcp.testing;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * A database of its own for one test class, on a {@link TestPostgres} server, reachable over TCP as
 * the server's superuser (or as roles made with {@link #createRole}). It exists until {@link #drop()}
 * (the {@link PostgresDatabase} extension drops it after the class) or the end of the JVM.
 * Thread-safe: it holds no connection; each {@link #connect()} opens a new one.
 */
public final class TestDatabase {

    private final TestPostgres server;
    private final String name;

    TestDatabase(TestPostgres server, String name) {
        this.server = Objects.requireNonNull(server, "server");
        this.name = Objects.requireNonNull(name, "name");
    }

    public String name() {
        return name;
    }

    public String host() {
        return server.host();
    }

    public int port() {
        return server.port();
    }

    /** The superuser's name. */
    public String user() {
        return server.superuser();
    }

    /** The superuser's password. */
    public String password() {
        return server.password();
    }

    /** The server this database lives on. */
    public TestPostgres server() {
        return server;
    }

    /** {@code jdbc:postgresql://host:port/name}, without credentials. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + name;
    }

    /** {@code postgresql://user:password@host:port/name} for the superuser, user and password percent-encoded. */
    public String postgresUrl() {
        return postgresUrl(user(), password());
    }

    /** {@code postgresql://user:password@host:port/name}, user and password percent-encoded. */
    public String postgresUrl(String user, String password) {
        return "postgresql://" + percentEncode(user) + ":" + percentEncode(password) + "@" + host() + ":" + port() + "/"
                + name;
    }

    /** A new connection as the superuser; the caller closes it. */
    public Connection connect() throws SQLException {
        return connect(user(), password());
    }

    /** A new connection as {@code user}; the caller closes it. */
    public Connection connect(String user, String password) throws SQLException {
        return server.connect(name, user, password);
    }

    /** Runs {@code sql} (one or more statements) as the superuser on a connection of its own. */
    public void execute(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /**
     * Creates (or re-passwords) the login role {@code role}, then runs each of {@code grantsSql} in
     * this database as the superuser, e.g. {@code "GRANT SELECT ON public.users TO reader"}. Roles are
     * cluster-wide: name them after the test class to stay clear of classes running in parallel.
     */
    public void createRole(String role, String password, String... grantsSql) throws SQLException {
        server.createRole(role, password);
        for (String grant : grantsSql) {
            execute(grant);
        }
    }

    /** Drops this database, terminating its sessions. */
    public void drop() {
        server.dropDatabase(name);
    }

    @Override
    public String toString() {
        return "TestDatabase[" + name + " at " + host() + ":" + port() + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TestDatabase that && that.server == server && that.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    private static String percentEncode(String text) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                encoded.append(c);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return encoded.toString();
    }
}
