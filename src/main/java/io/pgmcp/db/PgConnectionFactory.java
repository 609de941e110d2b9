package io.pgmcp.db;

import io.pgmcp.config.DatabaseConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * Opens pgjdbc connections for one configured database: {@code ApplicationName=pg-mcp}, read-only by
 * default on the server ({@code default_transaction_read_only=on}) and in the driver, no server-side
 * prepared statements (so {@code DISCARD ALL} after each call cannot break the driver's cache), and
 * timeouts so a dead server never hangs a call.
 */
public final class PgConnectionFactory implements ConnectionFactory {
    private final Driver driver = new Driver();
    private final String url;
    private final Properties properties;

    public PgConnectionFactory(DatabaseConfig config, Duration queryTimeout) {
        this.url = config.jdbcUrl();
        Properties props = new Properties();
        config.user().ifPresent(u -> props.setProperty("user", u));
        config.password().ifPresent(p -> props.setProperty("password", p.reveal()));
        props.setProperty("ApplicationName", "pg-mcp");
        props.setProperty("options", "-c default_transaction_read_only=on");
        props.setProperty("readOnly", "true");
        props.setProperty("readOnlyMode", "transaction");
        props.setProperty("prepareThreshold", "0");
        props.setProperty("connectTimeout", "10");
        props.setProperty("loginTimeout", "10");
        props.setProperty("tcpKeepAlive", "true");
        // statement_timeout ends a slow query on the server; this ends a wait on a server that is gone.
        props.setProperty("socketTimeout", Long.toString(queryTimeout.toSeconds() + 30));
        this.properties = props;
    }

    @Override
    public Connection open() throws SQLException {
        Connection connection = driver.connect(url, properties);
        if (connection == null) {
            throw new SQLException("pgjdbc does not accept the URL of this database", "08001");
        }
        return connection;
    }
}
