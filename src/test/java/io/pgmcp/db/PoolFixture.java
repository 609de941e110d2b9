package io.pgmcp.db;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
import java.util.Set;

/** Builds the production connection factory, pools and {@link Database}s on a test database. */
final class PoolFixture {
    /** Configured as the composition root configures it, so decimals print exactly. */
    static final ObjectMapper JSON = JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

    private PoolFixture() {
    }

    static PgConnectionFactory factory(TestDatabase db) {
        return new PgConnectionFactory(DatabaseConfig.of("main", ConnectionTarget.parse(db.postgresUrl())), Duration.ofSeconds(30));
    }

    /** Sizes {@code min..max}, the given acquire timeout, every other setting at its default. */
    static PoolSettings settings(String name, int min, int max, Duration acquireTimeout) {
        return PoolSettings.of(name, min, max).withAcquireTimeout(acquireTimeout);
    }

    static Database database(TestDatabase db, PoolSettings settings, Ticker ticker) {
        ConnectionPool pool = new ConnectionPool(settings, factory(db), ticker);
        return new Database(settings.name(), pool, new CatalogLoader(Clock.systemUTC()), Set.of(), JSON);
    }

    static ExecutionLimits limits(int maxRows, long maxBytes, Duration statementTimeout) {
        return new ExecutionLimits(maxRows, maxBytes, statementTimeout, List.of("public"));
    }

    static int backendPid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
