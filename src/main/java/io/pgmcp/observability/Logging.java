package io.pgmcp.observability;

import java.io.PrintStream;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Sends every log record of the process to stderr, one line each: {@link System.Logger} (which the
 * code uses), java.util.logging (which pgjdbc uses) and anything else built on them share the JUL
 * root logger, whose handlers this class replaces. stdout is never touched: it carries MCP.
 */
public final class Logging {

    private Logging() {}

    /**
     * Installs the stderr handler on the JUL root logger, replacing the JDK's console handler.
     *
     * @param level  a level name: trace, debug, info, warn/warning, error (case-insensitive)
     * @param json   JSON lines when true, a human-readable line otherwise
     * @param stream where lines go (stderr in production)
     * @throws IllegalArgumentException for an unknown level name
     */
    public static void install(String level, boolean json, PrintStream stream) {
        Level julLevel = julLevel(level);
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(julLevel);
        Formatter formatter = json ? new JsonLineFormatter() : new ConsoleLineFormatter();
        Handler handler = new LineHandler(stream, formatter);
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        // pgjdbc logs connection details at FINE and finer; keep it at INFO unless tracing.
        if (julLevel.intValue() > Level.FINER.intValue()) {
            Logger.getLogger("org.postgresql").setLevel(Level.INFO);
        }
    }

    /**
     * From now on, lines logged inside a span carry its {@code trace_id} and {@code span_id}
     * ({@code logging.include_trace_id}); applies to the handler {@link #install} put on the root logger.
     */
    public static void traceIds(java.util.function.Supplier<java.util.Optional<TraceIds>> source) {
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            if (handler instanceof LineHandler lines) {
                lines.traceIds(source);
            }
        }
    }

    /** Installs the handler at a {@link System.Logger.Level}. */
    public static void install(System.Logger.Level level, boolean json, PrintStream stream) {
        install(switch (level) {
            case ALL, TRACE -> "trace";
            case DEBUG -> "debug";
            case INFO -> "info";
            case WARNING -> "warn";
            case ERROR -> "error";
            case OFF -> "off";
        }, json, stream);
    }

    /** Maps a configured level name to java.util.logging. */
    public static Level julLevel(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "trace" -> Level.FINER;
            case "debug" -> Level.FINE;
            case "info" -> Level.INFO;
            case "warn", "warning" -> Level.WARNING;
            case "error" -> Level.SEVERE;
            case "off" -> Level.OFF;
            default -> throw new IllegalArgumentException("unknown log level '" + name
                    + "' (expected trace, debug, info, warn, error)");
        };
    }

    /** The short level name written in each line. */
    static String levelName(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "ERROR";
        } else if (v >= Level.WARNING.intValue()) {
            return "WARN";
        } else if (v >= Level.INFO.intValue()) {
            return "INFO";
        } else if (v >= Level.FINE.intValue()) {
            return "DEBUG";
        }
        return "TRACE";
    }
}
