import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a pg-mcp started by a bench program said on stderr when it failed. Compiled by scripts/bench. */
public final class ServerLog {
    private static final Pattern MSG = Pattern.compile("\"msg\":\"((?:[^\"\\\\]|\\\\.)*)\"");

    private ServerLog() {
    }

    /** The last error the server logged (its JSON log line's msg, or a plain configuration error), else the fallback. */
    public static String lastError(Path stderrLog, String fallback) throws IOException {
        List<String> lines = Files.exists(stderrLog) ? Files.readAllLines(stderrLog) : List.of();
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i);
            if (line.contains("\"level\":\"ERROR\"")) {
                Matcher m = MSG.matcher(line);
                if (m.find()) {
                    return m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
                }
            }
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("invalid configuration")) {
                StringBuilder s = new StringBuilder(lines.get(i).trim());
                for (int j = i + 1; j < lines.size() && lines.get(j).startsWith("  "); j++) {
                    s.append(' ').append(lines.get(j).trim());
                }
                return s.toString();
            }
        }
        return fallback;
    }
}
