package io.pgmcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.AuditConfig;
import io.pgmcp.config.AuditStorage;
import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.Secret;
import io.pgmcp.config.SslMode;
import io.pgmcp.testing.FakeTicker;
import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.testing.TestDatabase;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import io.pgmcp.db.AuditTableWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class DatabaseSinkTest {
    private static final Duration RETRY = Duration.ofSeconds(10);

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql();

    @TempDir
    Path dir;

    private final FakeTicker ticker = new FakeTicker();

    static ConnectionTarget target(TestDatabase database, int port, String password) {
        return new ConnectionTarget(database.host(), port, database.name(), Optional.of(database.user()),
                Optional.of(new Secret(password)), SslMode.DISABLE);
    }

    private DatabaseSink open(ConnectionTarget target) throws AuditException {
        return DatabaseSink.open(target, new AuditTableWriter(target), dir.resolve("state/audit-spool.jsonl"), false,
                RETRY, ticker);
    }

    /** Request ids of the stored events starting with {@code prefix}, in insertion order. */
    static List<String> stored(TestDatabase database, String prefix) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = database.connect();
                PreparedStatement select = c.prepareStatement(
                        "SELECT event->>'request_id' FROM pg_mcp_audit WHERE event->>'request_id' LIKE ? ORDER BY id")) {
            select.setString(1, prefix + "%");
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
        }
        return ids;
    }

    private List<String> spooled(DatabaseSink sink) throws Exception {
        Path spool = sink.spoolPath();
        return Files.exists(spool)
                ? AuditEvents.lines(spool).stream()
                        .map(l -> AuditEvents.parse(l).get("request_id").asText()).toList()
                : List.of();
    }

    @Test
    void eventsLandInTheAuditTableOverAConnectionOfTheirOwn() throws Exception {
        TestDatabase database = db.get();
        try (DatabaseSink sink = open(target(database, database.port(), database.password()))) {
            for (int i = 1; i <= 3; i++) {
                sink.write(AuditEvents.executed("land-" + i));
            }
            assertTrue(sink.isConnected());
            try (Connection c = database.connect();
                    ResultSet rows = c.createStatement().executeQuery(
                            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg-mcp-audit' AND datname = current_database()")) {
                rows.next();
                assertEquals(1, rows.getInt(1), "one dedicated connection");
            }
        }
        assertEquals(List.of("land-1", "land-2", "land-3"), stored(database, "land-"));
        try (Connection c = database.connect();
                ResultSet rows = c.createStatement().executeQuery(
                        "SELECT pg_typeof(event)::text, event->'query'->>'sql_hash', event->'result'->>'rows_returned'"
                                + " FROM pg_mcp_audit WHERE event->>'request_id' = 'land-1'")) {
            rows.next();
            assertEquals("jsonb", rows.getString(1));
            assertEquals(AuditEvents.executed("x").query().get().sqlHash().get(), rows.getString(2));
            assertEquals("1", rows.getString(3));
        }
    }

    @Test
    void whileTheDatabaseIsUnreachableEventsAreSpooledThenReplayedInOrder() throws Exception {
        TestDatabase database = db.get();
        try (TcpProxy proxy = new TcpProxy(database.host(), database.port());
                DatabaseSink sink = open(target(database, proxy.port(), database.password()))) {
            sink.write(AuditEvents.executed("outage-1"));
            proxy.cut();
            for (int i = 2; i <= 6; i++) {
                sink.write(AuditEvents.executed("outage-" + i));
            }
            assertFalse(sink.isConnected());
            assertEquals(List.of("outage-2", "outage-3", "outage-4", "outage-5", "outage-6"), spooled(sink));
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(sink.spoolPath())));

            ticker.advance(RETRY);
            sink.write(AuditEvents.executed("outage-7")); // tries to reconnect, still cut
            assertFalse(sink.isConnected());

            proxy.restore();
            sink.write(AuditEvents.executed("outage-8")); // the retry interval has not passed: no attempt
            assertFalse(sink.isConnected());
            assertEquals(List.of("outage-1"), stored(database, "outage-"));

            ticker.advance(RETRY);
            sink.write(AuditEvents.executed("outage-9")); // reconnects, replays the spool, then this one
            assertTrue(sink.isConnected());
            assertEquals(List.of(), spooled(sink));
            sink.write(AuditEvents.executed("outage-10"));
        }
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            expected.add("outage-" + i);
        }
        assertEquals(expected, stored(database, "outage-"), "in order, none lost, none twice");
    }

    @Test
    void unreachableAtStartIsNotAnErrorAndFlushRetriesAtOnce() throws Exception {
        TestDatabase database = db.get();
        try (TcpProxy proxy = new TcpProxy(database.host(), database.port())) {
            proxy.cut();
            try (DatabaseSink sink = open(target(database, proxy.port(), database.password()))) {
                assertFalse(sink.isConnected());
                sink.write(AuditEvents.executed("late-1"));
                AuditException e = assertThrows(AuditException.class, sink::flush);
                assertTrue(e.getMessage().contains(sink.spoolPath().toString()), e.getMessage());
                proxy.restore();
                sink.flush();
                assertTrue(sink.isConnected());
            }
        }
        assertEquals(List.of("late-1"), stored(database, "late-"));
    }

    @Test
    void aSpoolLeftByAnEarlierProcessIsReplayedAtOpenSkippingTornLines() throws Exception {
        TestDatabase database = db.get();
        Path spool = dir.resolve("state/audit-spool.jsonl");
        Files.createDirectories(spool.getParent());
        Files.writeString(spool, AuditEvents.executed("left-1").toJsonLine() + "\n{\"torn\":\n"
                + AuditEvents.executed("left-2").toJsonLine() + "\n", StandardCharsets.UTF_8);
        try (DatabaseSink sink = open(target(database, database.port(), database.password()))) {
            assertTrue(sink.isConnected());
            assertEquals(0, Files.size(spool));
            sink.write(AuditEvents.executed("left-3"));
        }
        assertEquals(List.of("left-1", "left-2", "left-3"), stored(database, "left-"));
    }

    @Test
    void anEventReplayedAfterItWasStoredIsStoredOnce() throws Exception {
        TestDatabase database = db.get();
        AuditEvent event = AuditEvents.executed("once-1");
        try (DatabaseSink sink = open(target(database, database.port(), database.password()))) {
            sink.write(event);
        }
        // as if the acknowledgement of that insert had been lost and the event spooled anyway
        Path spool = dir.resolve("state/audit-spool.jsonl");
        Files.writeString(spool, event.toJsonLine() + "\n" + AuditEvents.executed("once-2").toJsonLine() + "\n");
        try (DatabaseSink sink = open(target(database, database.port(), database.password()))) {
            sink.write(event);
        }
        assertEquals(List.of("once-1", "once-2"), stored(database, "once-"));
    }

    @Test
    void aCancelledCallOnAVirtualThreadIsRecordedWithoutLosingTheConnection() throws Exception {
        TestDatabase database = db.get();
        try (AuditLog log = new AuditLog(open(target(database, database.port(), database.password())),
                Optional.empty())) {
            boolean[] stillInterrupted = new boolean[1];
            Exception[] failure = new Exception[1];
            Thread.ofVirtual().start(() -> {
                Thread.currentThread().interrupt(); // as MCP cancellation does
                try {
                    log.record(AuditEvents.executed("cancelled-1"));
                } catch (AuditException e) {
                    failure[0] = e;
                }
                stillInterrupted[0] = Thread.currentThread().isInterrupted();
            }).join();
            assertEquals(null, failure[0]);
            assertTrue(stillInterrupted[0], "the caller's interrupt is restored");
            log.record(AuditEvents.executed("cancelled-2"));
        }
        assertEquals(List.of("cancelled-1", "cancelled-2"), stored(database, "cancelled-"));
    }

    @Test
    void aRoleThatMayOnlyInsertWritesIntoATableMadeForIt() throws Exception {
        TestDatabase database = db.get();
        open(target(database, database.port(), database.password())).close(); // the owner creates the table
        for (String role : List.of("databasesinktest_inserter", "databasesinktest_reader")) {
            database.createRole(role, "writer-pw", "GRANT INSERT ON pg_mcp_audit TO " + role,
                    "GRANT USAGE ON SEQUENCE pg_mcp_audit_id_seq TO " + role);
        }
        database.execute("GRANT SELECT (event) ON pg_mcp_audit TO databasesinktest_reader"); // exactly once
        for (String role : List.of("databasesinktest_inserter", "databasesinktest_reader")) {
            ConnectionTarget writer = new ConnectionTarget(database.host(), database.port(), database.name(),
                    Optional.of(role), Optional.of(new Secret("writer-pw")), SslMode.DISABLE);
            try (DatabaseSink sink = open(writer)) {
                sink.write(AuditEvents.executed(role + "-1"));
                assertTrue(sink.isConnected(), role);
                sink.write(AuditEvents.executed(role + "-2"));
            }
            assertEquals(List.of(role + "-1", role + "-2"), stored(database, role + "-"));
        }
    }

    @Test
    void theAuditLogBuildsTheDatabaseSinkFromConfigWithTheSpoolBesideTheAuditFile() throws Exception {
        TestDatabase database = db.get();
        AuditConfig config = new AuditConfig(true, AuditStorage.DATABASE, dir.resolve("state/audit.jsonl"), 100, 10,
                true, false, true, Optional.of(target(database, database.port(), database.password())));
        try (AuditLog log = AuditLog.open(config, sql -> "REDACTED", io.pgmcp.db.AuditTableWriter::new,
                OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream(), ticker)) {
            log.record(AuditEvents.executed("config-1"));
        }
        assertTrue(Files.exists(dir.resolve("state/audit-spool.jsonl")), "the spool is created at start-up");
        assertFalse(Files.exists(dir.resolve("state/audit.jsonl")));
        try (Connection c = database.connect();
                ResultSet rows = c.createStatement().executeQuery(
                        "SELECT event->'query'->>'sql' FROM pg_mcp_audit WHERE event->>'request_id' = 'config-1'")) {
            rows.next();
            assertEquals("REDACTED", rows.getString(1));
        }
    }

    @Test
    void anUnwritableSpoolFailsAtOpen() throws Exception {
        TestDatabase database = db.get();
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        ConnectionTarget target = target(database, database.port(), database.password());
        AuditException e = assertThrows(AuditException.class, () -> DatabaseSink.open(
                target, new AuditTableWriter(target), notADirectory.resolve("audit-spool.jsonl"),
                false, RETRY, ticker));
        assertTrue(e.getMessage().contains("spool"), e.getMessage());
    }

    @Test
    void aRefusedLoginFailsAtOpenWithoutShowingThePassword() {
        TestDatabase database = db.get();
        AuditException e = assertThrows(AuditException.class,
                () -> open(target(database, database.port(), "wrong-secret-pw")));
        assertTrue(e.getMessage().contains("28P01"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-secret-pw"), e.getMessage());
    }
}
