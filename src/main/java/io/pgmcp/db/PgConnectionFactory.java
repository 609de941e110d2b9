package io.pgmcp.db;

import io.pgmcp.config.DatabaseConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.util.PGPropertyMaxResultBufferParser;
import org.postgresql.util.PSQLException;

/**
 * Opens pgjdbc connections for one configured database: {@code ApplicationName=pg-mcp}, read-only by
 * default on the server ({@code default_transaction_read_only=on}) and in the driver, and timeouts so a
 * dead server never hangs a call. The settings every query call of the database uses — statement, lock
 * and idle-in-transaction timeouts from {@code server.query_timeout}, the search path from
 * {@code allowed_schemas} — are fixed at login in the startup packet's {@code options} (see
 * {@link #sessionDefaults()}): they are the values {@code RESET ALL} returns to, so such a call needs no
 * {@code SET} of its own.
 */
public final class PgConnectionFactory implements ConnectionFactory {
    /** The connect timeout when none is given. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int IDLE_READ_MARGIN_SECONDS = 30;

    /** The {@code max_result_bytes} the driver's result buffer is sized for when none is given. */
    public static final long DEFAULT_MAX_RESULT_BYTES = 1 << 20;

    private final Driver driver = new Driver();
    private final String url;
    private final Properties properties;
    private final int idleReadTimeoutMillis;
    private final SessionDefaults sessionDefaults;

    public PgConnectionFactory(DatabaseConfig config, Duration queryTimeout) {
        this(config, queryTimeout, DEFAULT_CONNECT_TIMEOUT);
    }

    /**
     * @param queryTimeout   {@code server.query_timeout}: with {@value #IDLE_READ_MARGIN_SECONDS} s more, it bounds any
     *                       wait for the server outside a call (a call sets its own bound)
     * @param connectTimeout bounds the TCP connect and each wait of the login; with {@code sslmode=prefer} pgjdbc
     *                       may log in twice (with SSL, then without), so opening takes at most about twice this
     */
    public PgConnectionFactory(DatabaseConfig config, Duration queryTimeout, Duration connectTimeout) {
        this.url = config.jdbcUrl();
        Properties props = new Properties();
        config.user().ifPresent(u -> props.setProperty("user", u));
        config.password().ifPresent(p -> props.setProperty("password", p.reveal()));
        props.setProperty("ApplicationName", "pg-mcp");
        // Below 9.0 pgjdbc sets application_name with a SET after login, which the RESET ALL after every
        // call resets to ''; from 9.0 on it sends it in the startup packet, where it is the reset value.
        props.setProperty("assumeMinServerVersion", "9.0");
        List<String> searchPath = config.accessPolicy().allowedSchemas();
        this.sessionDefaults = new SessionDefaults(queryTimeout,
                sendableInOptions(searchPath) ? Optional.of(searchPath) : Optional.empty());
        props.setProperty("options", options(sessionDefaults));
        // with autocommit off, pgjdbc sends BEGIN READ ONLY in the same round trip as the first statement
        props.setProperty("readOnly", "true");
        props.setProperty("readOnlyMode", "transaction");
        props.setProperty("prepareThreshold", "0");
        int connectSeconds = (int) Math.max(1, (connectTimeout.toMillis() + 999) / 1000);
        props.setProperty("connectTimeout", Integer.toString(connectSeconds));
        // No loginTimeout: pgjdbc would log in on a thread of its own and, on timeout, abandon that thread
        // blocked on its socket until the socket timeout. The socket timeout bounds each read of the login
        // instead, on the caller's thread; once connected, the longer idle bound below replaces it.
        props.setProperty("socketTimeout", Integer.toString(connectSeconds));
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("maxResultBuffer", Long.toString(ResultBuffer.driverLimit(DEFAULT_MAX_RESULT_BYTES)));
        this.properties = props;
        // statement_timeout ends a slow query on the server; this ends a wait on a server that is gone.
        this.idleReadTimeoutMillis = (int) Math.min(Integer.MAX_VALUE,
                queryTimeout.toMillis() + IDLE_READ_MARGIN_SECONDS * 1000L);
    }

    /**
     * Sets up what a process's first connection would otherwise set up before it sends anything: pgjdbc checks
     * {@code maxResultBuffer} against the heap's size, through {@code java.lang.management} (~40 classes found by a
     * service lookup; ~30 ms in a fresh JVM). The server's build thread calls this once the server is built, in the
     * image's AOT training run too, so that those classes come from the cache. Never throws.
     */
    public static void warmUp() {
        try {
            PGPropertyMaxResultBufferParser
                    .parseProperty(Long.toString(ResultBuffer.driverLimit(DEFAULT_MAX_RESULT_BYTES)));
        } catch (PSQLException | RuntimeException | LinkageError e) {
            // the first connection reports its own failure
        }
    }

    private PgConnectionFactory(String url, Properties properties, int idleReadTimeoutMillis,
            SessionDefaults sessionDefaults) {
        this.url = url;
        this.properties = properties;
        this.idleReadTimeoutMillis = idleReadTimeoutMillis;
        this.sessionDefaults = sessionDefaults;
    }

    /**
     * This factory for calls that return at most {@code maxResultBytes} of JSON ({@code server.max_result_bytes}):
     * pgjdbc then refuses, before allocating them, the rows of one fetch past a bound sized for it
     * ({@link ResultBuffer}), so that no result makes the JVM run out of memory.
     */
    public PgConnectionFactory withMaxResultBytes(long maxResultBytes) {
        if (maxResultBytes < 1) {
            throw new IllegalArgumentException("maxResultBytes must be positive, got " + maxResultBytes);
        }
        Properties props = new Properties();
        props.putAll(properties);
        props.setProperty("maxResultBuffer", Long.toString(ResultBuffer.driverLimit(maxResultBytes)));
        return new PgConnectionFactory(url, props, idleReadTimeoutMillis, sessionDefaults);
    }

    /**
     * The startup {@code options}: {@code -c name=value} pairs, separated by spaces; in a value PostgreSQL
     * reads a backslash as escaping the next character, so spaces and backslashes are escaped.
     */
    static String options(SessionDefaults defaults) {
        long millis = SessionDefaults.millis(defaults.statementTimeout());
        StringBuilder options = new StringBuilder(200)
                .append("-c default_transaction_read_only=on")
                .append(" -c statement_timeout=").append(millis)
                .append(" -c lock_timeout=").append(SessionDefaults.lockTimeoutMillis(defaults.statementTimeout()))
                .append(" -c idle_in_transaction_session_timeout=").append(millis + SessionDefaults.IDLE_MARGIN_MILLIS);
        defaults.searchPath().ifPresent(path -> {
            options.append(" -c search_path=");
            String value = String.join(",", path.stream().map(ReadOnlyTransaction::quoteIdentifier).toList());
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\\' || Character.isWhitespace(c)) {
                    options.append('\\');
                }
                options.append(c);
            }
        });
        return options.toString();
    }

    /**
     * Whether a search path can be sent in the startup packet: PostgreSQL reads its bytes in the database's
     * encoding before any client encoding applies, so only ASCII (the same in every server encoding) is sure
     * to arrive as written; any other search path is set by each call instead.
     */
    static boolean sendableInOptions(List<String> searchPath) {
        return searchPath.stream().allMatch(name -> name.chars().allMatch(c -> c < 0x80));
    }

    @Override
    public Optional<SessionDefaults> sessionDefaults() {
        return Optional.of(sessionDefaults);
    }

    @Override
    public Connection open() throws SQLException {
        Connection connection = driver.connect(url, properties);
        if (connection == null) {
            throw new SQLException("pgjdbc does not accept the URL of this database", "08001");
        }
        try {
            connection.setNetworkTimeout(Runnable::run, idleReadTimeoutMillis);
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return connection;
    }
}
