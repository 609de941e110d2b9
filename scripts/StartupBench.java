import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Cold start of the runtime image: process start until the {@code initialize} answer has been read
 * from stdout, repeated RUNS times after two warm-up runs (page cache); prints the median (target:
 * median of 10), p90, min and max in milliseconds as a table and as JSON.
 * Usage: {@code java scripts/StartupBench.java IMAGE_DIR [RUNS] [extra launcher env NAME=VALUE...]}.
 * Runs on any JDK 17+ (single-file source launch); the image carries its own runtime.
 */
public final class StartupBench {
    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}\n";

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args.length > 0 ? args[0] : "target/pg-mcp");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path config = Files.createTempFile("pg-mcp-bench", ".yaml");
        Files.writeString(config, """
                databases:
                  - name: bench
                    url: postgresql://127.0.0.1:1/bench
                observability:
                  metrics:
                    enabled: false
                audit:
                  enabled: false
                """);
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < runs + 2; i++) {
            double ms = once(image, config, Arrays.copyOfRange(args, Math.min(args.length, 2), args.length));
            if (i >= 2) { // two warm-up runs fill the page cache
                millis.add(ms);
            }
        }
        Files.deleteIfExists(config);
        millis.sort(Double::compare);
        int n = millis.size();
        double median = n % 2 == 1 ? millis.get(n / 2) : (millis.get(n / 2 - 1) + millis.get(n / 2)) / 2;
        double p90 = millis.get((int) Math.ceil(n * 0.9) - 1);
        System.out.printf(Locale.ROOT, "%-34s %9s %8s %8s %8s%n", "measure (" + n + " runs)", "median ms", "p90 ms", "min ms", "max ms");
        System.out.printf(Locale.ROOT, "%-34s %9.1f %8.1f %8.1f %8.1f   (target <= 200 ms)%n", "cold start -> initialize answered",
                median, p90, millis.getFirst(), millis.getLast());
        System.out.printf(Locale.ROOT, "{\"measure\":\"cold_start_initialize_ms\",\"runs\":%d,\"median\":%.1f,\"p50\":%.1f,\"p90\":%.1f,"
                + "\"min\":%.1f,\"max\":%.1f}%n", n, median, median, p90, millis.getFirst(), millis.getLast());
    }

    private static double once(Path image, Path config, String[] env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(image.resolve("bin/pg-mcp").toString(), "--config", config.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(k -> k.startsWith("PG_MCP_"));
        for (String pair : env) {
            int eq = pair.indexOf('=');
            builder.environment().put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        long start = System.nanoTime();
        Process process = builder.start();
        OutputStream in = process.getOutputStream();
        in.write(INIT.getBytes(StandardCharsets.UTF_8));
        in.flush();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        long end = System.nanoTime();
        if (line == null || !line.contains("\"protocolVersion\"")) {
            throw new IllegalStateException("unexpected answer: " + line);
        }
        in.close();
        process.waitFor();
        return (end - start) / 1e6;
    }
}
