package io.pgmcp.db;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pgmcp.config.RetryConfig;
import io.pgmcp.resilience.Sleeper;
import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Builds the production connection factory, pools and {@link Database}s on a test database. */
public final class PoolFixture {
    /** Configured as the MCP wire is, so decimals print exactly (for comparing values written as JSON). */
    static final ObjectMapper JSON = JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

    private PoolFixture() {}

    public static PgConnectionFactory factory(TestDatabase db) {
        return new PgConnectionFactory(DatabaseConfig.of("main", ConnectionTarget.parse(db.postgresUrl())),
                Duration.ofSeconds(30));
    }

    /** Sizes {@code min..max}, the given acquire timeout, every other setting at its default. */
    public static PoolSettings settings(String name, int min, int max, Duration acquireTimeout) {
        return PoolSettings.of(name, min, max).withAcquireTimeout(acquireTimeout);
    }

    /** A database on a new pool, with the default retries on the system clocks. */
    public static Database database(TestDatabase db, PoolSettings settings, Ticker ticker) {
        return new Database(settings.name(), new ConnectionPool(settings, factory(db), ticker),
                defaults(settings.name()));
    }

    /** {@link RetryConfig#databaseDefaults()} on the system clocks. */
    public static Database.Resilience defaults(String name) {
        return Database.Resilience.of(name, RetryConfig.databaseDefaults(), new java.util.Random(), Sleeper.system(),
                Ticker.system(), Clock.systemUTC());
    }

    static ExecutionLimits limits(int maxRows, long maxBytes, Duration statementTimeout) {
        return new ExecutionLimits(maxRows, maxBytes, statementTimeout, List.of("public"));
    }

    static int backendPid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
