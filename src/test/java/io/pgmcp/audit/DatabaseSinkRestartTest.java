package io.pgmcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.testing.FakeTicker;
import io.pgmcp.testing.TestDatabase;
import io.pgmcp.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit database restarts under the sink: the events of the gap are spooled and replayed in order. */
class DatabaseSinkRestartTest {
    private static TestPostgres cluster;
    private static TestDatabase database;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        cluster = TestPostgres.startIsolated();
        database = cluster.createDatabase("DatabaseSinkRestartTest");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void eventsWrittenAcrossARestartAreAllStoredInOrder() throws Exception {
        FakeTicker ticker = new FakeTicker();
        Duration retry = Duration.ofSeconds(10);
        var target = DatabaseSinkTest.target(database, database.port(), database.password());
        try (DatabaseSink sink = DatabaseSink.open(target, new io.pgmcp.db.AuditTableWriter(target),
                dir.resolve("audit-spool.jsonl"), true, retry, ticker)) {
            sink.write(AuditEvents.executed("restart-1"));
            cluster.restart();
            sink.write(AuditEvents.executed("restart-2")); // the old connection is gone: spooled
            assertFalse(sink.isConnected());
            sink.write(AuditEvents.executed("restart-3"));
            ticker.advance(retry);
            sink.write(AuditEvents.executed("restart-4")); // reconnects and replays
            assertTrue(sink.isConnected());
        }
        assertEquals(List.of("restart-1", "restart-2", "restart-3", "restart-4"),
                DatabaseSinkTest.stored(database, "restart-"));
    }
}
