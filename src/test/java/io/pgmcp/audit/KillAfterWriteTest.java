package io.pgmcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** An audit event written before the response survives kill -9 right after it. */
class KillAfterWriteTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"nofsync", "fsync"})
    void killDashNineRightAfterAWriteKeepsTheEvent(String fsync) throws Exception {
        Path file = dir.resolve("audit/audit.jsonl");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                WriteOneEventAndWait.class.getName(), file.toString(), "killed-" + fsync, fsync)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("written", out.readLine());
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
        } finally {
            child.destroyForcibly();
        }
        assertTrue(child.exitValue() != 0, "killed, not exited normally: " + child.exitValue());
        List<String> lines = AuditEvents.lines(file);
        assertEquals(1, lines.size());
        assertEquals("killed-" + fsync, AuditEvents.parse(lines.get(0)).get("request_id").asText());
        assertTrue(AuditEvents.endsWithLineBreak(file));
    }
}
