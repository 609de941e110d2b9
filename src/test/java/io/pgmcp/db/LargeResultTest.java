package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.ChildJvm;
import io.pgmcp.testing.PostgresDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code max_result_bytes} enforced while a result is read, with memory bounded whatever PostgreSQL sends: a
 * value far over the limit is refused before the driver allocates it, rows that fit are returned, the
 * connection the driver stopped in the middle of a message is closed, and the database stays up.
 */
class LargeResultTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql();

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int MIB = 1 << 20;

    private static Database single(String name) {
        return PoolFixture.database(db.get(), PoolFixture.settings(name, 0, 1, TIMEOUT), Ticker.system());
    }

    private static ResultTable query(Database database, String sql, int maxRows, long maxBytes) throws Exception {
        return database.query(sql, PoolFixture.limits(maxRows, maxBytes, TIMEOUT), CancelSignal.NONE);
    }

    private static long pid(Database database) throws Exception {
        return (Long) query(database, "SELECT pg_backend_pid()::int8", 1, MIB).rows().get(0).get(0);
    }

    @Test
    void aValueFarOverTheLimitIsResultTooLargeNotOutOfMemoryAndItsConnectionIsClosed() throws Exception {
        try (Database database = single("huge")) {
            long before = pid(database);
            long attempts = database.retry().attempts();
            Database.ResultTooLargeException e = assertThrows(Database.ResultTooLargeException.class,
                    () -> query(database, "SELECT repeat('x', 200000000)", 1000, MIB));
            assertEquals(SqlFailure.Kind.RESULT_TOO_LARGE, e.failure().kind());
            assertEquals("54000", e.failure().sqlState());
            assertEquals(MIB, e.maxBytes());
            assertFalse(SqlFailure.isRetryable(e), "the same query would be too large again");
            assertFalse(SqlFailure.isConnectionClass(e), "the database did not fail: " + e);
            assertEquals(attempts + 1, database.retry().attempts(), "tried once");
            assertTrue(database.health() instanceof Availability.Up, "still up: " + database.health());
            assertNotEquals(before, pid(database), "the connection cut in the middle of the row is not reused");
        }
    }

    @Test
    void rowsOfAMegabyteEachReturnTheOneThatFitsTruncated() throws Exception {
        try (Database database = single("megabyte rows")) {
            long before = pid(database);
            ResultTable table = query(database, "SELECT g, repeat('x', 1000000) FROM generate_series(1, 700) g",
                    1000, MIB);
            assertEquals(1, table.rowCount());
            assertEquals(Optional.of("max_result_bytes"), table.truncationReason());
            assertEquals(1_000_000, ((String) table.rows().get(0).get(1)).length());
            assertEquals(before, pid(database), "stopped between rows: the connection is still in step and reused");
        }
    }

    @Test
    void aResultJustUnderTheLimitReturnsWholeAndOneByteMoreIsTooLarge() throws Exception {
        int limit = MIB;
        try (Database database = single("boundary")) {
            // [["x...x"]] and the row's comma: 7 bytes around the value
            ResultTable whole = query(database, "SELECT repeat('x', " + (limit - 7) + ")", 1000, limit);
            assertEquals(1, whole.rowCount());
            assertFalse(whole.truncated());
            assertEquals(limit, whole.bytes());
            assertThrows(Database.ResultTooLargeException.class,
                    () -> query(database, "SELECT repeat('x', " + (limit - 6) + ")", 1000, limit));
        }
    }

    @Test
    void jsonbLargerOnTheWireThanAsJsonStillReturnsWholeUnderTheLimit() throws Exception {
        try (Database database = single("jsonb")) {
            // [1,1,...]: 2 bytes an element as JSON, 3 on the wire ("1, ")
            int elements = (MIB - 16) / 2;
            ResultTable table = query(database,
                    "SELECT jsonb_agg(1) FROM generate_series(1, " + elements + ")", 1000, MIB);
            assertEquals(1, table.rowCount());
            assertFalse(table.truncated(), "a value 1.5 times its JSON size on the wire fits when its JSON does");
            assertEquals(elements, ((List<?>) table.rows().get(0).get(0)).size());
            assertTrue(table.bytes() <= MIB);
        }
    }

    @Test
    void manyRowsOverSeveralFetchesAreTruncatedAtExactlyTheRowsThatFit() throws Exception {
        try (Database database = single("many rows")) {
            ResultTable table = query(database,
                    "SELECT g, repeat('y', 1000) AS pad FROM generate_series(1, 5000) g", 5000, MIB);
            assertEquals(Optional.of("max_result_bytes"), table.truncationReason());
            long bytes = 2;
            int fit = 0;
            for (int g = 1;; g++) {
                long row = 2 + Integer.toString(g).length() + 1 + 1002 + 1;
                if (bytes + row > MIB) {
                    break;
                }
                bytes += row;
                fit++;
            }
            assertEquals(fit, table.rowCount(), "every row that fits, none lost between fetches");
            assertEquals(bytes, table.bytes());
            byte[] written = PoolFixture.JSON.writeValueAsBytes(table.rows());
            assertTrue(written.length <= MIB, written.length + " bytes written");
        }
    }

    @Test
    void aHugeRowAfterRowsThatFitReturnsThoseRowsAndClosesTheCutConnection() throws Exception {
        try (Database database = single("cut")) {
            long before = pid(database);
            ResultTable table = query(database, "SELECT g, CASE WHEN g = 50 THEN repeat('x', 50000000) ELSE 'a' END "
                    + "FROM generate_series(1, 100) g", 1000, MIB);
            assertEquals(Optional.of("max_result_bytes"), table.truncationReason());
            assertTrue(table.rowCount() >= 1 && table.rowCount() < 50, table.rowCount() + " rows");
            for (int i = 0; i < table.rowCount(); i++) {
                assertEquals(List.of((long) i + 1, "a"), table.rows().get(i));
            }
            assertNotEquals(before, pid(database), "the connection cut in the middle of row 50 is not reused");
        }
    }

    @Test
    void theDriversBufferFollowsTheConfiguredMaxResultBytes() throws Exception {
        String sql = "SELECT repeat('z', 20000000)"; // 20 MB: past the 16 MiB the driver holds for 1 MiB of JSON
        long large = 32L * MIB;
        PoolSettings settings = PoolFixture.settings("large", 0, 1, TIMEOUT);
        try (Database database = new Database("large",
                new ConnectionPool(settings, PoolFixture.factory(db.get()).withMaxResultBytes(large), Ticker.system()),
                PoolFixture.defaults("large"))) {
            assertEquals(20_000_000, ((String) query(database, sql, 10, large).rows().get(0).get(0)).length());
        }
        try (Database database = single("default buffer")) {
            assertThrows(Database.ResultTooLargeException.class, () -> query(database, sql, 10, large));
        }
        assertThrows(IllegalArgumentException.class, () -> PoolFixture.factory(db.get()).withMaxResultBytes(0));
    }

    @Test
    void aBinaryValueCountsAsItsEscapedHexText() throws Exception {
        try (Database database = single("bytea")) {
            ResultTable fits = query(database, "SELECT decode(repeat('ab', 1000), 'hex')", 10, 2010);
            assertEquals(1, fits.rowCount()); // [[ ]] and the comma, then "\\x" and 2,000 hex digits in quotes
            assertEquals(2010, fits.bytes());
            assertThrows(Database.ResultTooLargeException.class,
                    () -> query(database, "SELECT decode(repeat('ab', 1000), 'hex')", 10, 2009));
        }
    }

    @Test
    void eightHugeValuesAtOnceInA64MegabyteHeapLeaveTheServerAnswering() throws Exception {
        // read whole, each value would take 200 MB as bytes and as much again as a string
        String output = child("SELECT repeat('x', 200000000)", 8);
        assertEquals(8, output.lines().filter(l -> l.equals("failed RESULT_TOO_LARGE 54000")).count(), output);
    }

    @Test
    void anArrayTooLargeToFitIsNotBuiltInA64MegabyteHeap() throws Exception {
        // 10 MB on the wire, under the driver's buffer: built as pgjdbc's array rows, about 50 bytes an element
        String output = child("SELECT array_fill(1, ARRAY[5000000])", 2);
        assertEquals(2, output.lines().filter(l -> l.equals("failed RESULT_TOO_LARGE 54000")).count(), output);
    }

    /** Runs {@link HugeValuesChild} in a JVM with a 64 MB heap and answers its output, once it exited 0 and healthy. */
    private static String child(String sql, int calls) throws Exception {
        List<String> command = new ArrayList<>(
                ChildJvm.command(HugeValuesChild.class, db.get().postgresUrl(), sql, Integer.toString(calls)));
        command.add(1, "-Xmx64m");
        command.add(2, "-XX:+UseSerialGC");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (var out = child.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child did not finish");
        assertEquals(0, child.exitValue(), output);
        assertFalse(output.contains("OutOfMemoryError"), output);
        assertTrue(output.lines().anyMatch(l -> l.equals("healthy")), output);
        return output;
    }
}
