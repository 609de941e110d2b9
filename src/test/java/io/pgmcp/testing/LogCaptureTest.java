package io.pgmcp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgmcp.observability.Logging;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/** What a capture sees, and why a capture and {@code Main.run} must not overlap. */
@ResourceLock(LogCapture.LOCK)
class LogCaptureTest {
    private static final System.Logger logger = System.getLogger(LogCaptureTest.class.getName());

    @Test
    void aCaptureSeesWarningsEvenWhenTheRootLevelIsError() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Logging.install("error", false, quiet);
        try (LogCapture capture = LogCapture.of(LogCaptureTest.class)) {
            logger.log(System.Logger.Level.WARNING, "disk {0} is {1} % full", "a", 95);
            assertEquals(List.of("disk a is 95 % full"), capture.messages(Level.WARNING));
        }
    }

    /**
     * Pins the JDK behaviour behind {@link LogCapture#LOCK}: {@code Main.run} installs the stderr
     * handler with {@code LogManager.reset()}, which removes every handler of every logger, so a
     * capture open at that moment silently sees nothing more.
     */
    @Test
    void installingTheLogHandlerDropsAnOpenCapture() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try (LogCapture capture = LogCapture.of(LogCaptureTest.class)) {
            logger.log(System.Logger.Level.WARNING, "before");
            Logging.install("info", false, quiet);
            logger.log(System.Logger.Level.WARNING, "after");
            assertEquals(List.of("before"), capture.messages(Level.WARNING));
        }
    }
}
