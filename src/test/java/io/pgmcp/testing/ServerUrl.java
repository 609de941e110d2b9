package io.pgmcp.testing;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where an existing PostgreSQL server is, as given by {@code PG_MCP_TEST_URL}: either
 * {@code postgresql://user:pass@host:port/db} (also {@code postgres://}) or
 * {@code jdbc:postgresql://host:port/db?user=..&password=..}.
 *
 * <p>The database is the one the fixture connects to for {@code CREATE DATABASE}; it defaults to
 * {@code postgres}, the port to 5432. Query parameters other than {@code user} and {@code password}
 * are ignored. {@link #toString()} never shows the password.
 */
record ServerUrl(String host, int port, String database, String user, String password) {

    ServerUrl {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (host.isBlank()) {
            throw new IllegalArgumentException("Blank host in test server URL");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Port " + port + " is out of range 1-65535");
        }
        if (user.isBlank()) {
            throw new IllegalArgumentException(
                    "Test server URL names no user; give postgresql://user:pass@host:port/db");
        }
    }

    /** Parses a URL; the exception message names what is wrong but never repeats the password. */
    static ServerUrl parse(String text) {
        String trimmed = text.strip();
        String withoutJdbc = trimmed.startsWith("jdbc:") ? trimmed.substring("jdbc:".length()) : trimmed;
        URI uri;
        try {
            uri = new URI(withoutJdbc);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "Malformed test server URL (expected postgresql://user:pass@host:port/db): "
                            + e.getReason(),
                    e);
        }
        String scheme = uri.getScheme();
        if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
            throw new IllegalArgumentException("Test server URL has scheme '" + scheme
                    + "'; expected postgresql://user:pass@host:port/db or jdbc:postgresql://host:port/db?user=..&password=..");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "Test server URL names no host; expected postgresql://user:pass@host:port/db");
        }
        String user = "";
        String password = "";
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        }
        String query = uri.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (key.equals("user")) {
                    user = value;
                } else if (key.equals("password")) {
                    password = value;
                }
            }
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        return new ServerUrl(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(),
                database.isEmpty() ? "postgres" : database, user, password);
    }

    /** {@code jdbc:postgresql://host:port/database}, without credentials. */
    String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "postgresql://" + user + ":***@" + host + ":" + port + "/" + database;
    }

    private static String decode(String raw) {
        // URLDecoder would turn '+' into a space, which is not what '+' means in a URI's user info
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
