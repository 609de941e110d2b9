package io.pgmcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkTest {
    private static final RotationPolicy NO_ROTATION = new RotationPolicy(Long.MAX_VALUE, 10, false);

    @TempDir
    Path dir;

    @Test
    void writesOneWholeJsonLinePerEvent() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (FileSink sink = FileSink.open(file, NO_ROTATION, false)) {
            sink.write(AuditEvents.executed("1"));
            sink.write(AuditEvents.executed("2"));
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        assertEquals("1", AuditEvents.parse(lines.get(0)).get("request_id").asText());
        assertEquals("2", AuditEvents.parse(lines.get(1)).get("request_id").asText());
        assertFalse(lines.get(0).contains("null"));
        assertTrue(AuditEvents.endsWithLineBreak(file));
    }

    @Test
    void createsTheFile0600InDirectories0700() throws Exception {
        Path file = dir.resolve("state/pg-mcp/audit.jsonl");
        try (FileSink sink = FileSink.open(file, NO_ROTATION, false)) {
            assertTrue(Files.exists(file), "opened at once, so a bad path fails at start-up");
            sink.write(AuditEvents.executed("1"));
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state"))));
    }

    @Test
    void anUnwritableLocationFailsAtOpen() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        AuditException e = assertThrows(AuditException.class,
                () -> FileSink.open(notADirectory.resolve("audit.jsonl"), NO_ROTATION, false));
        assertTrue(e.getMessage().contains(notADirectory.toString()), e.getMessage());
    }

    @Test
    void fsyncWritesEveryLineThrough() throws Exception {
        Path file = dir.resolve("synced/audit.jsonl");
        try (FileSink sink = FileSink.open(file, new RotationPolicy(600, 20, false), true)) {
            for (int i = 0; i < 10; i++) {
                sink.write(AuditEvents.executed(Integer.toString(i)));
            }
            sink.flush();
        }
        assertEquals(10, AuditEvents.allLines(file.getParent()).size());
    }

    @Test
    void rotatesBySizeKeepingMaxFiles() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        int lineLength = AuditEvents.executed("1").toJsonLine().length() + 1;
        try (FileSink sink = FileSink.open(file, new RotationPolicy(2L * lineLength, 3, false), false)) {
            for (int i = 1; i <= 9; i++) {
                sink.write(AuditEvents.executed(Integer.toString(i)));
            }
        }
        assertEquals(Set.of("audit.jsonl", "audit.1.jsonl", "audit.2.jsonl"), names());
        assertEquals(List.of("9"), requestIds(file));
        assertEquals(List.of("7", "8"), requestIds(dir.resolve("audit.1.jsonl")));
        assertEquals(List.of("5", "6"), requestIds(dir.resolve("audit.2.jsonl")));
    }

    @Test
    void compressesRotatedFilesReadablyWithGzip() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        int lineLength = AuditEvents.executed("1").toJsonLine().length() + 1;
        try (FileSink sink = FileSink.open(file, new RotationPolicy(2L * lineLength, 4, true), false)) {
            for (int i = 1; i <= 7; i++) {
                sink.write(AuditEvents.executed(Integer.toString(i)));
            }
        }
        assertEquals(Set.of("audit.jsonl", "audit.1.jsonl.gz", "audit.2.jsonl.gz", "audit.3.jsonl.gz"), names());
        assertEquals(List.of("5", "6"), requestIds(dir.resolve("audit.1.jsonl.gz")));
        assertEquals(List.of("1", "2"), requestIds(dir.resolve("audit.3.jsonl.gz")));
        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("audit.1.jsonl.gz"))));
    }

    @Test
    void aLineLongerThanTheLimitGetsAFileOfItsOwn() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (FileSink sink = FileSink.open(file, new RotationPolicy(10, 5, false), false)) {
            sink.write(AuditEvents.executed("1"));
            sink.write(AuditEvents.executed("2"));
        }
        assertEquals(List.of("2"), requestIds(file));
        assertEquals(List.of("1"), requestIds(dir.resolve("audit.1.jsonl")));
    }

    @Test
    void concurrentWritersWithRotationLoseNoLineAndWriteOnlyWholeLines() throws Exception {
        int writers = 16;
        int perWriter = 500;
        Path file = dir.resolve("audit.jsonl");
        try (FileSink sink = FileSink.open(file, new RotationPolicy(64 * 1024, 1000, true), false);
                ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        sink.write(AuditEvents.executed(writer + "-" + i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertTrue(names().size() > 20, "rotated many times: " + names().size() + " files");
        assertTrue(names().stream().filter(n -> !n.equals("audit.jsonl")).allMatch(n -> n.endsWith(".jsonl.gz")),
                names().toString());
        List<String> lines = AuditEvents.allLines(dir);
        Set<String> ids = new HashSet<>();
        for (String line : lines) {
            ids.add(AuditEvents.parse(line).get("request_id").asText()); // every line parses whole
        }
        assertEquals(writers * perWriter, lines.size());
        assertEquals(writers * perWriter, ids.size(), "each event exactly once");
    }

    @Test
    void aDeletedFileIsCreatedAgain() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (FileSink sink = FileSink.open(file, NO_ROTATION, false)) {
            sink.write(AuditEvents.executed("1"));
            Files.delete(file);
            sink.write(AuditEvents.executed("2"));
            Files.move(file, dir.resolve("moved-away.jsonl"));
            sink.write(AuditEvents.executed("3"));
        }
        assertEquals(List.of("3"), requestIds(file));
        assertEquals(List.of("2"), requestIds(dir.resolve("moved-away.jsonl")));
    }

    @Test
    void aTornLastLineStaysALineOfItsOwn() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Files.writeString(file, AuditEvents.executed("1").toJsonLine() + "\n{\"timestamp\":\"2025-",
                StandardCharsets.UTF_8);
        try (FileSink sink = FileSink.open(file, NO_ROTATION, false)) {
            sink.write(AuditEvents.executed("2"));
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size());
        assertEquals("{\"timestamp\":\"2025-", lines.get(1));
        assertEquals("2", AuditEvents.parse(lines.get(2)).get("request_id").asText());
    }

    @Test
    void appendsToAnExistingFileAndRotatesItWhenFull() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Files.writeString(file, "x".repeat(900) + "\n", StandardOpenOption.CREATE_NEW);
        try (FileSink sink = FileSink.open(file, new RotationPolicy(1000, 2, false), false)) {
            sink.write(AuditEvents.executed("1"));
        }
        assertEquals(List.of("1"), requestIds(file));
        assertEquals(901, Files.size(dir.resolve("audit.1.jsonl")));
    }

    @Test
    void anInterruptedWriterStillWritesAndRotatesAndKeepsItsInterrupt() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        int lineLength = AuditEvents.executed("1").toJsonLine().length() + 1;
        try (FileSink sink = FileSink.open(file, new RotationPolicy(lineLength, 5, true), true)) {
            sink.write(AuditEvents.executed("1"));
            Thread.currentThread().interrupt();
            try {
                sink.write(AuditEvents.executed("2")); // rotates and gzips while interrupted
                sink.write(AuditEvents.executed("3"));
                assertTrue(Thread.currentThread().isInterrupted());
            } finally {
                Thread.interrupted();
            }
        }
        assertEquals(List.of("3"), requestIds(file));
        assertEquals(List.of("2"), requestIds(dir.resolve("audit.1.jsonl.gz")));
        assertEquals(List.of("1"), requestIds(dir.resolve("audit.2.jsonl.gz")));
    }

    @Test
    void writingAfterCloseFails() throws Exception {
        FileSink sink = FileSink.open(dir.resolve("audit.jsonl"), NO_ROTATION, false);
        sink.close();
        assertThrows(AuditException.class, () -> sink.write(AuditEvents.executed("1")));
    }

    private Set<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return new HashSet<>(files.map(p -> p.getFileName().toString()).toList());
        }
    }

    private static List<String> requestIds(Path file) {
        return AuditEvents.lines(file).stream().map(l -> AuditEvents.parse(l).get("request_id").asText()).toList();
    }
}
