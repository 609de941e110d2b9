import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Builds the pg-mcp runtime image: asks jdeps which JDK modules the jars need, jlinks a runtime with
 * only those, copies the application jars, conf/ and the launcher, and records an AOT cache from a
 * training run of the image itself (a process started per client must start fast).
 *
 * <p>Runs as a single-file program on the JDK that Maven's toolchain selected (the same JDK that
 * compiled the code), so the runtime in the image matches it. Usage:
 * {@code java ImageBuilder.java --app-jar J --classpath-file F --conf DIR --launcher FILE --output DIR}.
 */
public final class ImageBuilder {

    /**
     * Modules needed through reflection or service loading, which jdeps cannot see: none so far
     * (pgjdbc always speaks UTF-8, TLS is in java.base, the JDK's root locale suffices).
     */
    private static final List<String> EXTRA_MODULES = List.of();

    /** Flags that the launcher and the training run must share, or the AOT cache is refused. */
    static final String JVM_FLAGS_FILE = "lib/pg-mcp.jvmflags";

    private ImageBuilder() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        Path appJar = Path.of(require(options, "--app-jar"));
        Path classpathFile = Path.of(require(options, "--classpath-file"));
        Path conf = Path.of(require(options, "--conf"));
        Path launcher = Path.of(require(options, "--launcher"));
        Path output = Path.of(require(options, "--output"));

        deleteRecursively(output);
        List<Path> jars = new ArrayList<>();
        jars.add(appJar);
        // exactly the runtime dependencies Maven resolved, never a stale jar left in a directory
        for (String entry : Files.readString(classpathFile).trim().split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) {
                jars.add(Path.of(entry));
            }
        }

        String modules = requiredModules(jars);
        log("modules: " + modules);
        run("jlink", "--add-modules", modules, "--output", output.toString(),
                "--strip-debug", "--no-man-pages", "--no-header-files", "--generate-cds-archive");

        Path app = Files.createDirectories(output.resolve("app"));
        for (Path jar : jars) {
            Path target = jar.equals(appJar) ? app.resolve("pg-mcp.jar") : app.resolve(jar.getFileName());
            Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
        }
        copyTree(conf, output.resolve("conf"));
        Path bin = output.resolve("bin/pg-mcp");
        Files.copy(launcher, bin, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(launcher.resolveSibling("pg-mcp.jvmflags"), output.resolve(JVM_FLAGS_FILE),
                StandardCopyOption.REPLACE_EXISTING);

        trainAotCache(output);
        log("image ready: " + output);
    }

    /** Union of what jdeps finds in the jars and the modules loaded reflectively. */
    private static String requiredModules(List<Path> jars) {
        List<String> args = new ArrayList<>(List.of("--print-module-deps", "--ignore-missing-deps",
                "--multi-release", "21"));
        jars.forEach(j -> args.add(j.toString()));
        String output = run("jdeps", args.toArray(String[]::new)).trim();
        // the module list is the last line; anything before it is jdeps' warnings
        String found = output.substring(output.lastIndexOf('\n') + 1).trim();
        TreeSet<String> modules = new TreeSet<>(Arrays.asList(found.split(",")));
        for (String extra : EXTRA_MODULES) {
            if (ModuleLayer.boot().findModule(extra).isPresent()) {
                modules.add(extra);
            }
        }
        modules.removeIf(String::isBlank);
        return String.join(",", modules);
    }

    /**
     * Runs the image once with {@code -XX:AOTCacheOutput} (JDK 25+) while a scripted MCP client
     * initializes, lists tools and resources, and closes stdin; the launcher then starts from that
     * cache. On a JDK without AOT caches the image still works, just without the cache.
     */
    private static void trainAotCache(Path image) throws IOException, InterruptedException {
        if (Runtime.version().feature() < 25) {
            log("JDK " + Runtime.version() + " has no AOT cache; the image starts without one");
            return;
        }
        Path work = Files.createTempDirectory("pg-mcp-training");
        try {
            Path config = work.resolve("training.yaml");
            Files.writeString(config, """
                    databases:
                      - name: training
                        url: postgresql://127.0.0.1:1/training
                        access_policy:
                          tables:
                            denied: [secrets]
                    observability:
                      metrics:
                        enabled: true
                        port: 39391         # exercised so its classes are in the cache; a busy port only warns
                    audit:
                      enabled: false
                    """);
            Path input = work.resolve("input.jsonl");
            Files.writeString(input, String.join("\n",
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                            + "\"capabilities\":{},\"clientInfo\":{\"name\":\"training\",\"version\":\"1\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"resources/list\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"resources/templates/list\"}",
                    "not json",
                    "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"no/such/method\"}",
                    "") + "\n");
            List<String> command = new ArrayList<>();
            command.add(image.resolve("bin/java").toString());
            command.add("@" + image.resolve(JVM_FLAGS_FILE));
            command.add("-XX:AOTCacheOutput=" + image.resolve("lib/pg-mcp.aot"));
            command.add("-jar");
            command.add(image.resolve("app/pg-mcp.jar").toString());
            command.add("--config");
            command.add(config.toString());
            Process process = new ProcessBuilder(command)
                    .redirectInput(input.toFile())
                    .redirectOutput(work.resolve("stdout.log").toFile())
                    .redirectError(work.resolve("stderr.log").toFile())
                    .start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("AOT training run did not finish in 120 s");
            }
            if (process.exitValue() != 0 || !Files.exists(image.resolve("lib/pg-mcp.aot"))) {
                throw new IllegalStateException("AOT training run failed (exit " + process.exitValue() + "):\n"
                        + Files.readString(work.resolve("stderr.log")));
            }
            log("AOT cache: " + Files.size(image.resolve("lib/pg-mcp.aot")) / 1024 + " KiB");
        } finally {
            deleteRecursively(work);
        }
    }

    private static String run(String tool, String... args) {
        ToolProvider provider = ToolProvider.findFirst(tool)
                .orElseThrow(() -> new IllegalStateException(tool + " is not available in " + System.getProperty("java.home")));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = provider.run(new PrintWriter(out), new PrintWriter(err), args);
        if (code != 0) {
            throw new IllegalStateException(tool + " failed (" + code + "): " + err + out);
        }
        return out.toString();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path source : s.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }

    private static void log(String message) {
        System.out.println("[ImageBuilder] " + message);
    }
}
