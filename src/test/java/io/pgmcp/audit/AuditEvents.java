package io.pgmcp.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Events for tests, and reading back what sinks wrote. */
final class AuditEvents {
    static final ObjectMapper json = new ObjectMapper();
    /** The time every test event carries. */
    static final Instant TIMESTAMP = Instant.parse("2025-01-15T10:30:00.123456Z");

    private AuditEvents() {}

    /** A complete {@code query_executed} event whose request id is {@code requestId}. */
    static AuditEvent executed(String requestId) {
        return AuditEvent.builder(EventType.QUERY_EXECUTED, requestId, TIMESTAMP)
                .sessionId("session-1")
                .database("analytics")
                .tool("execute_sql")
                .client(AuditEvent.ClientInfo.of("10.0.0.7", "claude-code/1.0", null))
                .query("how many users?", "SELECT count(*) FROM users WHERE name = 'Ann' AND age > 30")
                .result(AuditEvent.ResultInfo.success(1, 12.5, false))
                .policyChecks(
                        new AuditEvent.PolicyChecks(CheckOutcome.PASSED, CheckOutcome.PASSED, CheckOutcome.SKIPPED))
                .build();
    }

    static JsonNode parse(String line) {
        try {
            return json.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + line, e);
        }
    }

    /** Every line of {@code file}, gunzipped when it ends in {@code .gz}. */
    static List<String> lines(Path file) {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of every audit file in {@code dir} (current, rotated, gzipped). */
    static List<String> allLines(Path dir) {
        List<String> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                all.addAll(lines(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** The file's raw content ends with a line break (or is empty). */
    static boolean endsWithLineBreak(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return bytes.length == 0 || bytes[bytes.length - 1] == '\n';
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
