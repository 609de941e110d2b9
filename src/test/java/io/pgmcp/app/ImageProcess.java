package io.pgmcp.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The built {@code bin/pg-mcp} of the runtime image, started as a client would start it: stdin and
 * stdout carry MCP lines, stderr is collected for assertions.
 */
final class ImageProcess implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final List<String> allStdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> stderrQueue = new LinkedBlockingQueue<>();
    private final List<Thread> pumps = new CopyOnWriteArrayList<>();

    private ImageProcess(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true);
        pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false);
    }

    static Path imageDir() {
        String dir = System.getProperty("pgmcp.image.dir");
        if (dir == null) {
            throw new IllegalStateException("pgmcp.image.dir is not set: run through ./mvnw verify");
        }
        return Path.of(dir);
    }

    static Path launcher() {
        Path bin = imageDir().resolve("bin/pg-mcp");
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException(bin + " is missing: ./mvnw package builds it");
        }
        return bin;
    }

    /** Starts the launcher with a clean environment plus {@code env}. */
    static ImageProcess start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(launcher().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("PG_MCP_") || k.equals("OPENAI_API_KEY"));
        builder.environment().putAll(env);
        return new ImageProcess(builder.start());
    }

    private void pump(BufferedReader reader, boolean isStdout) {
        pumps.add(Thread.ofVirtual().start(() -> {
            try (reader) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (isStdout) {
                        stdout.add(line);
                        allStdout.add(line);
                    } else {
                        stderr.add(line);
                        stderrQueue.add(line);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }));
    }

    void send(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** The next stdout line as JSON; fails after a timeout so nothing hangs. */
    JsonNode receive() throws IOException, InterruptedException {
        String line = stdout.poll(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError(
                    "no line on stdout within " + READ_TIMEOUT + "; stderr:\n" + String.join("\n", stderr));
        }
        return JSON.readTree(line);
    }

    JsonNode request(String line) throws IOException, InterruptedException {
        send(line);
        return receive();
    }

    /** Closes stdin and waits for the process to exit; answers its exit code. */
    int closeStdinAndWait() throws IOException, InterruptedException {
        stdin.close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("pg-mcp did not exit within 30 s after EOF on stdin");
        }
        joinPumps();
        return process.exitValue();
    }

    /** The first stderr line (from now on) containing {@code text}; fails after a timeout. */
    String awaitStderr(String text) throws InterruptedException {
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String line = stderrQueue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line != null && line.contains(text)) {
                return line;
            }
        }
        throw new AssertionError("no stderr line with '" + text + "' within " + READ_TIMEOUT + "; stderr:\n"
                + String.join("\n", stderr));
    }

    /** Sends SIGTERM and waits for the process to exit; answers its exit code. */
    int terminateAndWait() throws InterruptedException {
        // SIGTERM through the handle: Process.destroy() also closes our ends of the pipes, which would
        // lose whatever the process writes while it shuts down
        process.toHandle().destroy();
        return waitFor();
    }

    int waitFor() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("pg-mcp did not exit within 60 s");
        }
        joinPumps();
        return process.exitValue();
    }

    private void joinPumps() throws InterruptedException {
        for (Thread pump : pumps) {
            pump.join(Duration.ofSeconds(10));
        }
    }

    List<String> stdoutLines() {
        return allStdout;
    }

    List<String> stderrLines() {
        return stderr;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
