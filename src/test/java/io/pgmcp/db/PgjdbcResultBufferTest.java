package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.testing.PostgresDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.util.PSQLException;

/**
 * How pgjdbc's {@code maxResultBuffer} behaves, which {@link ResultBuffer} and {@link ResultReader} rely on:
 * it refuses a row from its header, before allocating the values; it counts per round trip (each fetch),
 * not per result or per connection; a fetch size set on the result set mid-way applies to the next fetch;
 * and results of a plain statement come in text format, whose bytes {@code getBytes} hands out as they
 * arrived.
 */
class PgjdbcResultBufferTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql();

    private static Connection open(long maxResultBuffer) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", db.get().user());
        properties.setProperty("password", db.get().password());
        properties.setProperty("prepareThreshold", "0");
        properties.setProperty("maxResultBuffer", Long.toString(maxResultBuffer));
        return DriverManager.getConnection(db.get().jdbcUrl(), properties);
    }

    @Test
    void aRowPastTheBufferIsRefusedFromItsHeaderAsACommunicationErrorAndTheConnectionIsLost() throws Exception {
        try (Connection connection = open(100_000)) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.setFetchSize(10);
                SQLException e = assertThrows(SQLException.class,
                        () -> statement.executeQuery("SELECT 'a', repeat('x', 50000000)"));
                assertEquals("08S01", e.getSQLState());
                PSQLException psql = (PSQLException) e;
                assertEquals(null, psql.getServerErrorMessage(), "raised by the driver, not the server");
                assertTrue(ResultBuffer.exceeded(e), e.toString());
            }
            // pgjdbc read on through the values as if they were messages, hit an unknown one, and closed the link
            assertTrue(connection.isClosed());
        }
    }

    @Test
    void theCountIsPerFetchNotPerResult() throws Exception {
        String sql = "SELECT repeat('x', 100) FROM generate_series(1, 100)"; // 10,000 bytes of values
        try (Connection connection = open(5_000)) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.setFetchSize(10);
                int rows = 0;
                try (ResultSet rs = statement.executeQuery(sql)) {
                    while (rs.next()) {
                        rows++;
                    }
                }
                assertEquals(100, rows, "ten fetches of 1,000 bytes each pass a 5,000-byte buffer");
            }
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT repeat('y', 4000)")) {
                assertTrue(rs.next(), "nor does the count carry over to the next statement");
            }
            try (Statement statement = connection.createStatement()) {
                SQLException e = assertThrows(SQLException.class, () -> statement.executeQuery(sql));
                assertTrue(ResultBuffer.exceeded(e), "all rows in one fetch pass it: " + e);
            }
        }
    }

    @Test
    void aFetchSizeSetOnTheResultSetAppliesToTheNextFetch() throws Exception {
        try (Connection connection = open(5_000)) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.setFetchSize(10);
                try (ResultSet rs = statement.executeQuery("SELECT repeat('x', 100) FROM generate_series(1, 100)")) {
                    assertTrue(rs.next());
                    rs.setFetchSize(90); // 9,000 bytes in the next fetch
                    SQLException e = assertThrows(SQLException.class, () -> {
                        while (rs.next()) {
                            // read on
                        }
                    });
                    assertTrue(ResultBuffer.exceeded(e), e.toString());
                }
            }
        }
    }

    @Test
    void resultsComeAsTextAndGetBytesIsThatText() throws Exception {
        try (Connection connection = open(1 << 20);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT 12345::int4, '{1,2}'::int4[], '{\"a\":1}'::jsonb, 1.5::float8, 'é'::text")) {
            assertTrue(rs.next());
            String[] texts = {"12345", "{1,2}", "{\"a\": 1}", "1.5", "é"};
            for (int i = 0; i < texts.length; i++) {
                assertArrayEquals(texts[i].getBytes(StandardCharsets.UTF_8), rs.getBytes(i + 1), texts[i]);
            }
            assertTrue(rs.getBytes(1) == rs.getBytes(1), "the driver's own bytes, not a copy");
        }
    }

    @Test
    void anIoFailureIsNotTakenForTheBufferLimit() {
        SQLException io = new PSQLException("An I/O error occurred while sending to the backend.",
                org.postgresql.util.PSQLState.COMMUNICATION_ERROR, new java.io.EOFException());
        assertFalse(ResultBuffer.exceeded(io));
        assertFalse(ResultBuffer.exceeded(new SQLException("08S01 from elsewhere", "08S01")));
    }
}
