package io.pgmcp.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** The formatters and level mapping; the global install is exercised by the stdio end-to-end test. */
class LoggingTest {

    @Test
    void jsonLineCarriesLevelLoggerMessageAndError() throws Exception {
        LogRecord record = new LogRecord(Level.WARNING, "pool {0} is {1}");
        record.setParameters(new Object[]{"main", "exhausted"});
        record.setLoggerName("io.pgmcp.db.ConnectionPool");
        record.setThrown(new IllegalStateException("boom"));
        String line = new JsonLineFormatter().format(record);
        assertFalse(line.contains("\n"), "one line per record");
        JsonNode json = new ObjectMapper().readTree(line);
        assertEquals("WARN", json.get("level").asText());
        assertEquals("io.pgmcp.db.ConnectionPool", json.get("logger").asText());
        assertEquals("pool main is exhausted", json.get("msg").asText());
        assertEquals("java.lang.IllegalStateException: boom", json.get("error").asText());
        assertTrue(json.get("stack").asText().contains("LoggingTest"));
        assertTrue(json.hasNonNull("ts"));
    }

    @Test
    void consoleLineIsReadable() {
        LogRecord record = new LogRecord(Level.INFO, "hello");
        record.setLoggerName("x");
        assertTrue(new ConsoleLineFormatter().format(record).endsWith("INFO  x - hello"));
    }

    @Test
    void levelNamesMapToJul() {
        assertEquals(Level.FINER, Logging.julLevel("trace"));
        assertEquals(Level.FINE, Logging.julLevel("DEBUG"));
        assertEquals(Level.INFO, Logging.julLevel("info"));
        assertEquals(Level.WARNING, Logging.julLevel("warn"));
        assertEquals(Level.WARNING, Logging.julLevel("warning"));
        assertEquals(Level.SEVERE, Logging.julLevel("error"));
        assertThrows(IllegalArgumentException.class, () -> Logging.julLevel("chatty"));
    }

    @Test
    void handlerWritesFlushedLinesToItsStream() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LineHandler handler = new LineHandler(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                new JsonLineFormatter());
        LogRecord record = new LogRecord(Level.INFO, "one");
        record.setLoggerName("t");
        handler.publish(record);
        handler.publish(record);
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].startsWith("{") && lines[0].endsWith("}"));
    }
}
