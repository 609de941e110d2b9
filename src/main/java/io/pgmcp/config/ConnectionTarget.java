package io.pgmcp.config;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where and as whom to connect to one PostgreSQL database. Credentials are kept out of
 * {@link #jdbcUrl()} (pass {@link #user()} and {@link #password()} as driver properties) and out of
 * {@link #displayTarget()}, so both are safe to log.
 */
public record ConnectionTarget(String host, int port, String dbname, Optional<String> user,
        Optional<Secret> password, SslMode sslMode) {

    public static final int DEFAULT_PORT = 5432;

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9._-]+)?");
    private static final String URL_SHAPE = "postgresql://[user[:password]@]host[:port]/dbname[?sslmode=...]";

    public ConnectionTarget {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dbname, "dbname");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(sslMode, "sslMode");
        if (!isValidHost(host)) {
            throw new IllegalArgumentException("host '" + host + "' is not a host name or IP address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1-65535");
        }
        if (dbname.isEmpty()) {
            throw new IllegalArgumentException("dbname must not be empty");
        }
    }

    /** A target on the default port with no credentials and {@code sslmode=prefer}. */
    public static ConnectionTarget of(String host, String dbname) {
        return new ConnectionTarget(host, DEFAULT_PORT, dbname, Optional.empty(), Optional.empty(), SslMode.PREFER);
    }

    /** Host name, IPv4 address or (unbracketed) IPv6 address. */
    public static boolean isValidHost(String host) {
        return HOST_NAME.matcher(host).matches() || IPV6.matcher(host).matches();
    }

    /** {@code jdbc:postgresql://host:port/dbname?sslmode=...}; never holds the user or password. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + urlHost() + ":" + port + "/"
                + URLEncoder.encode(dbname, StandardCharsets.UTF_8) + "?sslmode=" + sslMode.value();
    }

    /** {@code host:port/dbname}, for messages and logs. */
    public String displayTarget() {
        return urlHost() + ":" + port + "/" + dbname;
    }

    ConnectionTarget withCredentials(Optional<String> newUser, Optional<Secret> newPassword) {
        return new ConnectionTarget(host, port, dbname, newUser, newPassword, sslMode);
    }

    ConnectionTarget withSslMode(SslMode newSslMode) {
        return new ConnectionTarget(host, port, dbname, user, password, newSslMode);
    }

    private String urlHost() {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    /**
     * Parses {@code postgresql://user:password@host:port/dbname?sslmode=mode} (also {@code postgres://}),
     * percent-decoding the user, password and database name. The only query parameter accepted is
     * {@code sslmode}.
     *
     * @throws IllegalArgumentException if the URL is malformed; the message never contains any part of
     *     the URL, since it may hold a password
     */
    public static ConnectionTarget parse(String url) {
        Objects.requireNonNull(url, "url");
        String rest;
        if (url.startsWith("postgresql://")) {
            rest = url.substring("postgresql://".length());
        } else if (url.startsWith("postgres://")) {
            rest = url.substring("postgres://".length());
        } else {
            throw malformed("it does not start with postgresql:// or postgres://");
        }
        if (rest.indexOf('#') >= 0) {
            throw malformed("it has a '#' fragment (percent-encode a '#' in the password as %23)");
        }
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        if (slash < 0 || slash == rest.length() - 1) {
            throw malformed("it names no database");
        }
        String authority = rest.substring(0, slash);
        String dbname = decode(rest.substring(slash + 1), "database name");
        Optional<String> user = Optional.empty();
        Optional<Secret> password = Optional.empty();
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            String rawUser = colon >= 0 ? userInfo.substring(0, colon) : userInfo;
            if (!rawUser.isEmpty()) {
                user = Optional.of(decode(rawUser, "user name"));
            }
            if (colon >= 0 && colon < userInfo.length() - 1) {
                password = Optional.of(new Secret(decode(userInfo.substring(colon + 1), "password")));
            }
        }
        String host;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw malformed("its IPv6 host has no closing ']'");
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (after.startsWith(":")) {
                portText = after.substring(1);
            } else if (!after.isEmpty()) {
                throw malformed("it has text after the IPv6 host");
            }
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon >= 0 ? authority.substring(0, colon) : authority;
            portText = colon >= 0 ? authority.substring(colon + 1) : null;
        }
        if (host.isEmpty()) {
            throw malformed("it names no host");
        }
        if (host.indexOf(',') >= 0) {
            throw malformed("it names several hosts; only one is supported");
        }
        if (!isValidHost(host)) {
            throw malformed("its host is not a host name or IP address");
        }
        int port = portText == null || portText.isEmpty() ? DEFAULT_PORT : parsePort(portText);
        SslMode sslMode = query == null ? SslMode.PREFER : sslModeOf(query);
        return new ConnectionTarget(host, port, dbname, user, password, sslMode);
    }

    /** Whether {@code url}'s query string sets {@code sslmode} (the URL is assumed to parse). */
    static boolean setsSslMode(String url) {
        int q = url.indexOf('?');
        return q >= 0 && url.substring(q + 1).startsWith("sslmode=");
    }

    private static int parsePort(String text) {
        if (text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw malformed("its port is not a number");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw malformed("its port is outside 1-65535");
        }
        return port;
    }

    private static SslMode sslModeOf(String query) {
        if (query.isEmpty()) {
            return SslMode.PREFER;
        }
        SslMode mode = null;
        for (String param : query.split("&", -1)) {
            int eq = param.indexOf('=');
            String name = eq >= 0 ? param.substring(0, eq) : param;
            if (!name.equals("sslmode")) {
                throw malformed("it has the parameter '" + (name.matches("[A-Za-z0-9_]{1,40}") ? name : "?")
                        + "'; the only parameter supported is sslmode");
            }
            if (mode != null) {
                throw malformed("it gives sslmode twice");
            }
            String value = eq >= 0 ? param.substring(eq + 1) : "";
            for (SslMode candidate : SslMode.values()) {
                if (candidate.value().equals(value.toLowerCase(Locale.ROOT))) {
                    mode = candidate;
                }
            }
            if (mode == null) {
                throw malformed("its sslmode is not one of disable, allow, prefer, require, verify-ca, verify-full");
            }
        }
        return mode;
    }

    private static String decode(String text, String what) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                int hi = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw malformed("its " + what + " has a malformed %-escape");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                    utf8 = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(utf8);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException malformed(String why) {
        return new IllegalArgumentException("not a valid PostgreSQL URL: " + why + " (expected " + URL_SHAPE + ")");
    }
}
