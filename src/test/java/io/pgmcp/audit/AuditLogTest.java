package io.pgmcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.config.AuditConfig;
import io.pgmcp.config.AuditStorage;
import io.pgmcp.resilience.Ticker;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    private static final SqlRedactor QUESTION_MARKS = sql -> sql.replaceAll("'[^']*'|\\b\\d+\\b", "?");

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private AuditConfig config(boolean enabled, AuditStorage storage, boolean redactSql) {
        return new AuditConfig(enabled, storage, dir.resolve("pg-mcp/audit.jsonl"), 100, 10, redactSql, false, false,
                Optional.empty());
    }

    private AuditLog open(AuditConfig config) throws AuditException {
        return AuditLog.open(config, QUESTION_MARKS, io.pgmcp.db.AuditTableWriter::new, stdout, stderr,
                Ticker.system());
    }

    @Test
    void fileStorageWritesTheConfiguredFile() throws Exception {
        try (AuditLog log = open(config(true, AuditStorage.FILE, false))) {
            assertTrue(log.isEnabled());
            log.record(AuditEvents.executed("1"));
        }
        List<String> lines = Files.readAllLines(dir.resolve("pg-mcp/audit.jsonl"));
        assertEquals(1, lines.size());
        assertEquals("SELECT count(*) FROM users WHERE name = 'Ann' AND age > 30",
                AuditEvents.parse(lines.get(0)).at("/query/sql").asText(), "redact_sql is off");
        assertEquals(0, stdout.size() + stderr.size());
    }

    @Test
    void redactSqlReplacesLiteralsButKeepsTheHashOfTheSqlAsItRan() throws Exception {
        try (AuditLog log = open(config(true, AuditStorage.STDERR, true))) {
            log.record(AuditEvents.executed("1"));
        }
        JsonNode event = AuditEvents.parse(stderr.toString(StandardCharsets.UTF_8).strip());
        assertEquals("SELECT count(*) FROM users WHERE name = ? AND age > ?", event.at("/query/sql").asText());
        assertEquals(AuditEvent.QueryInfo.hash("SELECT count(*) FROM users WHERE name = 'Ann' AND age > 30"),
                event.at("/query/sql_hash").asText());
    }

    @Test
    void streamStoragesWriteTheirOwnStream() throws Exception {
        try (AuditLog log = open(config(true, AuditStorage.STDOUT, false))) {
            log.record(AuditEvents.executed("out"));
        }
        try (AuditLog log = open(config(true, AuditStorage.STDERR, false))) {
            log.record(AuditEvents.executed("err"));
        }
        assertEquals("out", AuditEvents.parse(stdout.toString(StandardCharsets.UTF_8)).get("request_id").asText());
        assertEquals("err", AuditEvents.parse(stderr.toString(StandardCharsets.UTF_8)).get("request_id").asText());
        assertFalse(Files.exists(dir.resolve("pg-mcp")), "no file for stream storage");
    }

    @Test
    void countsEveryEventItCouldNotRecord() throws Exception {
        AtomicBoolean failing = new AtomicBoolean();
        AuditSink sink = new AuditSink() {
            @Override
            public void write(AuditEvent event) throws AuditException {
                if (failing.get()) {
                    throw new AuditException("disk full");
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        try (AuditLog log = new AuditLog(sink, Optional.empty())) {
            log.record(AuditEvents.executed("1"));
            assertEquals(0, log.writeFailures());
            failing.set(true);
            assertThrows(AuditException.class, () -> log.record(AuditEvents.executed("2")));
            assertThrows(AuditException.class, () -> log.record(AuditEvents.executed("3")));
            assertEquals(2, log.writeFailures());
            failing.set(false);
            log.record(AuditEvents.executed("4"));
            assertEquals(2, log.writeFailures(), "a later success does not reset the count");
        }
        try (AuditLog log = new AuditLog(sink, Optional.of(sql -> {
            throw new IllegalStateException("redactor bug");
        }))) {
            assertThrows(IllegalStateException.class, () -> log.record(AuditEvents.executed("5")));
            assertEquals(1, log.writeFailures(), "an event that could not be redacted is not recorded either");
        }
    }

    @Test
    void disabledRecordsNothing() throws Exception {
        try (AuditLog log = open(config(false, AuditStorage.FILE, true))) {
            assertFalse(log.isEnabled());
            log.record(AuditEvents.executed("1"));
            log.flush();
        }
        AuditLog.disabled().record(AuditEvents.executed("1"));
        assertFalse(Files.exists(dir.resolve("pg-mcp")));
        assertEquals(0, stdout.size() + stderr.size());
    }

    @Test
    void theSpoolLivesBesideTheAuditFile() {
        assertEquals(dir.resolve("pg-mcp/audit-spool.jsonl"),
                AuditLog.spoolPath(config(true, AuditStorage.FILE, false)));
    }
}
