package io.pgmcp.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the scripts of {@code src/test/node} with the official MCP TypeScript clients installed there
 * ({@code npm ci}, or {@code PG_MCP_NODE_MODULES} naming a {@code node_modules}). A test that needs them
 * is skipped with the reason when Node or the package is absent: the build never needs the network.
 */
final class NodeClients {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a script printed and how it ended. */
    record Run(int exitCode, String stdout, String stderr) {
        /** @return the last stdout line as JSON (the script's summary) */
        JsonNode summary() throws IOException {
            return JSON.readTree(stdout.lines().reduce((a, b) -> b).orElse("{}"));
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    private final Path dir;

    private NodeClients(Path dir) {
        this.dir = dir;
    }

    /**
     * Prepares {@code dir} to run {@code script} with {@code packageName} installed, or aborts the test.
     *
     * @param packageName e.g. {@code @modelcontextprotocol/client}
     */
    static NodeClients in(Path dir, String script, String packageName) throws IOException {
        String configured = System.getenv("PG_MCP_NODE_MODULES");
        Path modules = (configured != null ? Path.of(configured) : Path.of("src/test/node/node_modules"))
                .toAbsolutePath();
        if (!Files.isRegularFile(modules.resolve(packageName).resolve("package.json"))) {
            Assumptions.abort(packageName + " is not installed in " + modules
                    + " (run npm ci in src/test/node, or set PG_MCP_NODE_MODULES)");
        }
        try {
            Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String out = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!version.waitFor(30, TimeUnit.SECONDS) || version.exitValue() != 0) {
                Assumptions.abort("node --version failed: " + out);
            }
        } catch (IOException e) {
            Assumptions.abort("node is not on the PATH: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Files.copy(Path.of("src/test/node").resolve(script), dir.resolve(script));
        if (!Files.exists(dir.resolve("node_modules"))) {
            Files.createSymbolicLink(dir.resolve("node_modules"), modules);
        }
        return new NodeClients(dir);
    }

    /** Runs {@code node script args...} in the prepared directory, waiting at most 120 s. */
    Run run(String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", dir.resolve(script).toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve(script + ".out").toFile())
                .redirectError(dir.resolve(script + ".err").toFile()).start();
        process.getOutputStream().close();
        boolean ended = process.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        Run run = new Run(ended ? process.exitValue() : -1, Files.readString(dir.resolve(script + ".out")),
                Files.readString(dir.resolve(script + ".err")));
        if (!ended) {
            throw new AssertionError("the client hung for 120 s: " + run);
        }
        return run;
    }
}
