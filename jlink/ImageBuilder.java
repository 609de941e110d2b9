import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds the pg-mcp runtime image and its release: asks jdeps which JDK modules the jars need, jlinks
 * a runtime with only those (no JDK tools, native symbol tables stripped), copies the application
 * jars, conf/ and the launchers, records an AOT cache from a training run of the image itself (a
 * process started per client must start fast), then writes a CycloneDX SBOM of the image, the
 * reproducible release archive {@code pg-mcp-VERSION-OS-ARCH.tar.gz} (a .zip on Windows) and its
 * {@code .sha256}.
 *
 * <p>Runs as a single-file program on the JDK that Maven's toolchain selected (the same JDK that
 * compiled the code), so the runtime in the image matches it. Usage: {@code java ImageBuilder.java
 * --app-jar J --dependencies-file F --conf DIR --launchers DIR --output DIR --coordinates G:A:V
 * --output-timestamp T --release-dir DIR [--archive-format tar.gz|zip]}; the dependencies file is
 * {@code mvn dependency:list} output with absolute file names.
 */
public final class ImageBuilder {

    /**
     * Modules needed through reflection or service loading, which jdeps cannot see: none so far
     * (pgjdbc always speaks UTF-8, TLS is in java.base, the JDK's root locale suffices).
     */
    private static final List<String> EXTRA_MODULES = List.of();

    /**
     * Modules that jdeps finds referenced but that pg-mcp never uses at run time, each with the only
     * classes allowed to reference it. A reference from any other class fails the build: someone has
     * to decide whether that path runs. java.desktop and the modules only it needs are 19 MB of
     * lib/modules before compression and 6 MB of native libraries.
     */
    private static final Map<String, Set<String>> UNUSED_MODULES = Map.of("java.desktop", Set.of(
            // java.beans' @ConstructorProperties and @Transient: Java7Support loads this class reflectively and
            // does without it when java.beans is missing; pg-mcp binds no beans with those annotations
            "com.fasterxml.jackson.databind.ext.Java7SupportImpl",
            // SnakeYAML's JavaBean binding: jackson-dataformat-yaml only uses SnakeYAML's parser and emitter
            "org.yaml.snakeyaml.introspector.MethodProperty",
            // only PGpoint.setLocation(java.awt.Point), which pg-mcp never calls: it reads geometric values as text
            "org.postgresql.geometric.PGpoint"));

    /**
     * zip-6 over the class files in lib/modules: 39 MB become 17.6 MB. Most classes a start needs come
     * from the AOT cache, not from lib/modules, so start-up does not pay for the inflating (measured:
     * README, "Image").
     */
    private static final String COMPRESSION = "zip-6";

    /**
     * A resource named like a translation of the JDK's own messages (launcher, keytool, security,
     * logging, XML parser errors): {@code <name>_<locale>.class|properties}. Those whose {@code <name>}
     * stays in the image are left out, about 1 MB of lib/modules: pg-mcp speaks English, and for any
     * other locale the JDK falls back to that untranslated bundle.
     */
    private static final Pattern TRANSLATION = Pattern.compile("(.+)_(ca|cs|de|es|fr|hu|it|ja|ko|pl|pt_BR|ru|sv|tr|zh_CN|zh_HK|zh_TW)\\.(class|properties)");

    /** Flags that the launcher and the training run must share, or the AOT cache is refused. */
    static final String JVM_FLAGS_FILE = "lib/pg-mcp.jvmflags";

    /** The SBOM's place inside the image; a copy goes beside the archive. */
    static final String SBOM_FILE = "lib/sbom.cdx.json";

    private ImageBuilder() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        Path appJar = Path.of(require(options, "--app-jar"));
        Path dependenciesFile = Path.of(require(options, "--dependencies-file"));
        Path conf = Path.of(require(options, "--conf"));
        Path launchers = Path.of(require(options, "--launchers"));
        Path output = Path.of(require(options, "--output"));
        Coordinates project = Coordinates.parse(require(options, "--coordinates"));
        Instant timestamp = outputTimestamp(require(options, "--output-timestamp"));
        Path releaseDir = Path.of(require(options, "--release-dir"));
        Platform platform = Platform.current();
        String archiveFormat = options.getOrDefault("--archive-format", platform.archiveFormat());
        if (!archiveFormat.equals("tar.gz") && !archiveFormat.equals("zip")) {
            throw new IllegalArgumentException("--archive-format must be tar.gz or zip, not '" + archiveFormat + "'");
        }

        String release = "pg-mcp-" + project.version() + "-" + platform.os() + "-" + platform.arch();
        // a failed build must not leave the last build's release beside a new image
        for (String suffix : List.of(".tar.gz", ".tar.gz.sha256", ".zip", ".zip.sha256", ".cdx.json")) {
            Files.deleteIfExists(releaseDir.resolve(release + suffix));
        }
        deleteRecursively(output);
        List<Dependency> dependencies = Dependency.readList(dependenciesFile);
        List<Path> jars = new ArrayList<>();
        jars.add(appJar);
        dependencies.forEach(d -> jars.add(d.file()));

        String modules = requiredModules(jars);
        log("modules: " + modules);
        List<String> jlink = new ArrayList<>(List.of("--add-modules", modules, "--output", output.toString(),
                "--compress=" + COMPRESSION, "--strip-debug", "--no-man-pages", "--no-header-files"));
        List<String> translations = translations(modules);
        if (!translations.isEmpty()) {
            jlink.add("--exclude-resources=" + String.join(",", translations.stream().map(t -> "glob:" + t).toList()));
        }
        run("jlink", jlink.toArray(String[]::new));
        log("JDK message translations left out: " + translations.size());
        removeJdkTools(output.resolve("bin"), platform);
        stripNativeSymbols(output, platform);

        Path app = Files.createDirectories(output.resolve("app"));
        Files.copy(appJar, app.resolve("pg-mcp.jar"));
        for (Dependency dependency : dependencies) {
            Files.copy(dependency.file(), app.resolve(dependency.file().getFileName()));
        }
        checkClassPath(app);
        copyTree(conf, output.resolve("conf"));
        copyLaunchers(launchers, output);

        trainAotCache(output, platform);

        List<String> imageModules = imageModules(output, platform);
        for (String unused : UNUSED_MODULES.keySet()) {
            if (imageModules.stream().anyMatch(m -> m.startsWith(unused + "@"))) {
                throw new IllegalStateException(unused + " came back into the image through another module's requires: " + imageModules);
            }
        }
        String sbom = new Sbom(project, buildCommit(appJar), platform, timestamp).json(output, dependencies, imageModules);
        Files.writeString(output.resolve(SBOM_FILE), sbom);

        Files.createDirectories(releaseDir);
        Path archive = releaseDir.resolve(release + "." + archiveFormat);
        new ReleaseArchive(output, "pg-mcp-" + project.version(), timestamp).write(archive, archiveFormat);
        Files.writeString(releaseDir.resolve(archive.getFileName() + ".sha256"),
                ReleaseArchive.sha256(archive) + "  " + archive.getFileName() + "\n");
        Files.writeString(releaseDir.resolve(release + ".cdx.json"), sbom);
        log("image ready: " + output + " (" + sizeOf(output) / 1024 + " KiB)");
        log("release: " + archive + " (" + Files.size(archive) / 1024 + " KiB), .sha256, " + release + ".cdx.json");
    }

    /** Union of what jdeps finds in the jars and the modules loaded reflectively, less the unused ones. */
    private static String requiredModules(List<Path> jars) {
        List<String> args = new ArrayList<>(List.of("--print-module-deps", "--ignore-missing-deps", "--multi-release", "21"));
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
        for (Map.Entry<String, Set<String>> unused : UNUSED_MODULES.entrySet()) {
            if (modules.remove(unused.getKey())) {
                checkOnlyKnownReferences(jars, unused.getKey(), unused.getValue());
            } else {
                log(unused.getKey() + " is no longer referenced by any jar: its entry in UNUSED_MODULES can go");
            }
        }
        modules.removeIf(String::isBlank);
        return String.join(",", modules);
    }

    /** Fails unless every class that references {@code module} is one of {@code allowed}. */
    private static void checkOnlyKnownReferences(List<Path> jars, String module, Set<String> allowed) {
        List<String> args = new ArrayList<>(List.of("-verbose:class", "--require", module, "--ignore-missing-deps",
                "--multi-release", "21"));
        jars.forEach(j -> args.add(j.toString()));
        // class-level lines: "   org.example.Foo -> java.beans.Bar   java.desktop"
        List<String> unexpected = run("jdeps", args.toArray(String[]::new)).lines()
                .filter(line -> line.startsWith("   ") && line.contains(" -> ") && line.strip().endsWith(module))
                .filter(line -> !allowed.contains(line.strip().split("\\s+")[0]))
                .map(String::strip)
                .toList();
        if (!unexpected.isEmpty()) {
            throw new IllegalStateException(module + " is left out of the image, but classes not known to be unused at run time "
                    + "now reference it:\n  " + String.join("\n  ", unexpected)
                    + "\nDecide whether pg-mcp runs that code: if it never does, add the class to UNUSED_MODULES in "
                    + "jlink/ImageBuilder.java with the reason; if it may, take the module out of UNUSED_MODULES.");
        }
        log(module + " left out: referenced only by " + new TreeSet<>(allowed) + ", never used at run time");
    }

    /**
     * The translations (see {@link #TRANSLATION}) in the modules jlink will link for {@code modules},
     * as jlink resource paths {@code /module/path}; a name-alike without its untranslated bundle (such
     * as java.xml's XResources_de, number formats for XSLT) is no translation and stays.
     */
    private static List<String> translations(String modules) throws IOException {
        Set<String> linked = new TreeSet<>();
        for (String module : modules.split(",")) {
            addWithRequires(module, linked);
        }
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        List<String> translations = new ArrayList<>();
        for (String module : linked) {
            Path root = jrt.getPath("/modules", module);
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    Matcher m = TRANSLATION.matcher(file.getFileName().toString());
                    if (m.matches() && (Files.exists(file.resolveSibling(m.group(1) + ".class"))
                            || Files.exists(file.resolveSibling(m.group(1) + ".properties")))) {
                        translations.add("/" + module + "/" + root.relativize(file));
                    }
                }
            }
        }
        return translations;
    }

    /** {@code module} and, as jlink resolves them, the modules it requires (not those it requires static). */
    private static void addWithRequires(String module, Set<String> into) {
        if (!into.add(module)) {
            return;
        }
        ModuleDescriptor descriptor = ModuleFinder.ofSystem().find(module)
                .orElseThrow(() -> new IllegalStateException("module " + module + " is not in " + System.getProperty("java.home")))
                .descriptor();
        for (ModuleDescriptor.Requires requires : descriptor.requires()) {
            if (!requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)) {
                addWithRequires(requires.name(), into);
            }
        }
    }

    /** The JDK's tool launchers (keytool, jwebserver, ...) are not part of pg-mcp: bin/ keeps only java. */
    private static void removeJdkTools(Path bin, Platform platform) throws IOException {
        List<String> removed = new ArrayList<>();
        try (Stream<Path> files = Files.list(bin)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                // on Windows bin/ also holds the runtime's DLLs: only the .exe launchers go
                boolean tool = platform.windows()
                        ? name.toLowerCase(Locale.ROOT).endsWith(".exe") && !name.equalsIgnoreCase("java.exe")
                        : !name.equals("java");
                if (tool && Files.isRegularFile(file)) {
                    Files.delete(file);
                    removed.add(name);
                }
            }
        }
        log("JDK tools left out of bin/: " + removed);
    }

    /**
     * Removes the symbol tables of the native libraries (libjvm.so alone carries 5 MB of them). The
     * dynamic symbols stay, so the libraries link as before; a crash log then names fewer native
     * frames. jlink's --strip-native-debug-symbols cannot do this: it runs objcopy --strip-debug, which
     * keeps .symtab, and the JDK's libraries carry no DWARF to strip. Linux only: on macOS stripping
     * would break the libraries' code signatures, Windows keeps its symbols in separate .pdb files.
     */
    private static void stripNativeSymbols(Path image, Platform platform) throws IOException, InterruptedException {
        if (!platform.os().equals("linux")) {
            log("native symbol tables kept: stripping is done on Linux only");
            return;
        }
        List<String> command = new ArrayList<>(List.of("strip", "--strip-unneeded"));
        try (Stream<Path> files = Files.walk(image.resolve("lib"))) {
            files.filter(p -> p.getFileName().toString().endsWith(".so")).sorted().forEach(p -> command.add(p.toString()));
        }
        long before = sizeOf(image);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("strip (GNU binutils) is needed to remove the symbol tables of the image's native "
                    + "libraries (about 5 MB) and was not found on PATH: install binutils", e);
        }
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("strip --strip-unneeded failed on the image's native libraries: " + out);
        }
        log("native symbol tables stripped: " + (before - sizeOf(image)) / 1024 + " KiB less");
    }

    /** Every jar the app jar's manifest Class-Path names must be in app/, or the launcher would fail at the first use. */
    private static void checkClassPath(Path app) throws IOException {
        try (JarFile jar = new JarFile(app.resolve("pg-mcp.jar").toFile())) {
            String classPath = jar.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (classPath == null) {
                throw new IllegalStateException("pg-mcp.jar has no Class-Path in its manifest");
            }
            List<String> missing = Arrays.stream(classPath.trim().split("\\s+"))
                    .filter(entry -> !Files.isRegularFile(app.resolve(entry))).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("pg-mcp.jar's Class-Path names jars that are not in " + app + ": " + missing);
            }
        }
    }

    /**
     * bin/pg-mcp (POSIX shell) and bin/pg-mcp.cmd (Windows) go into every image: the one for the
     * image's OS is used, the other is harmless. The .cmd gets CRLF line ends whatever the checkout
     * has, as cmd.exe expects.
     */
    private static void copyLaunchers(Path launchers, Path image) throws IOException {
        Path sh = image.resolve("bin/pg-mcp");
        Files.copy(launchers.resolve("pg-mcp.sh"), sh);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(sh, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        String cmd = Files.readString(launchers.resolve("pg-mcp.cmd"), StandardCharsets.US_ASCII);
        Files.writeString(image.resolve("bin/pg-mcp.cmd"), cmd.replace("\r\n", "\n").replace("\n", "\r\n"), StandardCharsets.US_ASCII);
        Files.copy(launchers.resolve("pg-mcp.jvmflags"), image.resolve(JVM_FLAGS_FILE));
    }

    /**
     * Runs the image once with {@code -XX:AOTCacheOutput} (JDK 25+) while a scripted MCP client
     * initializes, lists tools and resources, calls {@code execute_sql} on a database that is not there, and closes
     * stdin; the launcher then starts from that
     * cache. Metrics are off in the training: the JVM metrics and their endpoint start on a background
     * thread and never delay the answer to initialize, and their ~550 classes (JMX, jdk.httpserver)
     * would make the cache 3.4 MB bigger (measured: README, "Image"). On a JDK without AOT caches the
     * image still works, just without the cache.
     */
    private static void trainAotCache(Path image, Platform platform) throws IOException, InterruptedException {
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
                        enabled: false
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
                    // answered once the catalog's first load has failed (nothing listens on port 1): the run then
                    // always records the driver's connection attempt, which before depended on how far the
                    // background load had come when stdin closed (a cache of 24.6 or 25.9 MB from one build to the
                    // next), and a tool call's failure path
                    "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"execute_sql\","
                            + "\"arguments\":{\"sql\":\"SELECT 1\"}}}",
                    "") + "\n");
            List<String> command = new ArrayList<>();
            command.add(platform.javaLauncher(image).toString());
            command.add("@" + image.resolve(JVM_FLAGS_FILE));
            command.add("-XX:AOTCacheOutput=" + image.resolve("lib/pg-mcp.aot"));
            // the launcher does not replay training (-XX:-AOTReplayTraining in the flags): no profiles to record,
            // and without them the cache is ~1 MB smaller and the same size from build to build
            command.add("-XX:-AOTRecordTraining");
            // io.pgmcp.app.PgMcpServer.NO_PARSER_WARM_UP: the SQL parser's classes stay out of the cache
            command.add("-Dpgmcp.noParserWarmUp=true");
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

    /** What the image's own runtime reports, "java.base@25.0.3" and so on: the truth about what is inside. */
    private static List<String> imageModules(Path image, Platform platform) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(platform.javaLauncher(image).toString(), "--list-modules")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().close();
        List<String> modules = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines().map(String::strip).filter(l -> !l.isEmpty()).sorted().toList();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0 || modules.isEmpty()
                || !modules.stream().allMatch(m -> m.matches("[\\w.]+@\\S+"))) {
            process.destroyForcibly();
            throw new IllegalStateException("the image's java --list-modules failed or printed something unexpected: " + modules);
        }
        return modules;
    }

    /** The commit recorded in the app jar by jlink/BuildInfo.java ("unknown" without git). */
    private static String buildCommit(Path appJar) throws IOException {
        try (JarFile jar = new JarFile(appJar.toFile())) {
            var entry = jar.getEntry("io/pgmcp/app/build-info.properties");
            if (entry == null) {
                throw new IllegalStateException(appJar + " has no io/pgmcp/app/build-info.properties (jlink/BuildInfo.java did not run)");
            }
            Properties properties = new Properties();
            try (InputStream in = jar.getInputStream(entry)) {
                properties.load(in);
            }
            String commit = properties.getProperty("commit");
            if (commit == null) {
                throw new IllegalStateException("build-info.properties in " + appJar + " has no commit");
            }
            return commit;
        }
    }

    /** project.build.outputTimestamp: ISO-8601 (2026-12-03T08:00:00Z) or seconds since the epoch, as Maven accepts it. */
    static Instant outputTimestamp(String value) {
        try {
            return value.chars().allMatch(Character::isDigit) ? Instant.ofEpochSecond(Long.parseLong(value)) : Instant.parse(value);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("--output-timestamp must be ISO-8601 (2026-12-03T08:00:00Z) or seconds since "
                    + "the epoch, not '" + value + "' (set project.build.outputTimestamp in pom.xml)", e);
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

    static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            long total = 0;
            for (Path p : s.toList()) {
                if (!Files.isSymbolicLink(p) && Files.isRegularFile(p)) {
                    total += Files.size(p);
                }
            }
            return total;
        }
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
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
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
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " has no value");
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }

    static void log(String message) {
        System.out.println("[ImageBuilder] " + message);
    }
}

/** The OS and CPU the image is built for (the build machine's: jlink links its own runtime), by release names. */
record Platform(String os, String arch) {
    static Platform current() {
        String osName = System.getProperty("os.name", "");
        String os;
        if (osName.startsWith("Linux")) {
            os = "linux";
        } else if (osName.startsWith("Mac OS X") || osName.startsWith("Darwin")) {
            os = "macos";
        } else if (osName.startsWith("Windows")) {
            os = "windows";
        } else {
            throw new IllegalStateException("no release name for os.name '" + osName + "' (known: Linux, Mac OS X, Windows)");
        }
        String osArch = System.getProperty("os.arch", "");
        String arch = switch (osArch) {
            case "amd64", "x86_64" -> "x64";
            case "aarch64", "arm64" -> "aarch64";
            default -> throw new IllegalStateException("no release name for os.arch '" + osArch + "' (known: amd64, x86_64, aarch64, arm64)");
        };
        return new Platform(os, arch);
    }

    boolean windows() {
        return os.equals("windows");
    }

    String archiveFormat() {
        return windows() ? "zip" : "tar.gz";
    }

    Path javaLauncher(Path image) {
        return image.resolve(windows() ? "bin/java.exe" : "bin/java");
    }
}

/** Maven coordinates group:artifact:version of the project. */
record Coordinates(String group, String artifact, String version) {
    static Coordinates parse(String text) {
        String[] parts = text.split(":");
        if (parts.length != 3 || Arrays.stream(parts).anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("--coordinates must be group:artifact:version, not '" + text + "'");
        }
        return new Coordinates(parts[0], parts[1], parts[2]);
    }

    String purl() {
        return "pkg:maven/" + group + "/" + artifact + "@" + version;
    }
}

/** A runtime dependency as {@code mvn dependency:list -DoutputAbsoluteArtifactFilename} reports it. */
record Dependency(String group, String artifact, String type, String classifier, String version, Path file) {
    private static final Set<String> SCOPES = Set.of("compile", "runtime", "provided", "system", "test", "import");
    /** A terminal colour or style escape: ESC [ parameters m. */
    private static final Pattern ANSI_ESCAPE = Pattern.compile("\\x1B\\[[0-9;]*m");

    /**
     * Reads lines like {@code "   org.postgresql:postgresql:jar:42.7.14:compile:/m2/.../postgresql-42.7.14.jar -- module
     * org.postgresql.jdbc [auto]"}; the classifier, when there is one, comes after the type. Fails on any line it
     * cannot read: a jar left out would be a broken image.
     */
    static List<Dependency> readList(Path file) throws IOException {
        List<Dependency> dependencies = new ArrayList<>();
        for (String raw : Files.readAllLines(file)) {
            // without -B, Maven colours the list (ANSI escapes around the module names) even into the file
            String line = ANSI_ESCAPE.matcher(raw).replaceAll("").strip();
            if (line.isEmpty() || line.startsWith("The following files have been resolved") || line.equals("none")) {
                continue;
            }
            int module = line.indexOf(" -- module ");
            if (module >= 0) {
                line = line.substring(0, module);
            }
            String[] parts = line.split(":");
            boolean classified = parts.length >= 7 && !SCOPES.contains(parts[4]);
            int pathStart = classified ? 6 : 5;
            if (parts.length <= pathStart || !SCOPES.contains(parts[pathStart - 1])) {
                throw new IllegalStateException("cannot read the dependency line '" + raw + "' in " + file
                        + " (expected group:artifact:type[:classifier]:version:scope:/absolute/file)");
            }
            Path jar = Path.of(String.join(":", Arrays.copyOfRange(parts, pathStart, parts.length)));
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("dependency " + line + " names a file that does not exist: " + jar);
            }
            dependencies.add(new Dependency(parts[0], parts[1], parts[2], classified ? parts[3] : "",
                    parts[classified ? 4 : 3], jar));
        }
        if (dependencies.isEmpty()) {
            throw new IllegalStateException(file + " lists no dependencies: is it mvn dependency:list output?");
        }
        return dependencies;
    }

    String purl() {
        List<String> qualifiers = new ArrayList<>();
        if (!classifier.isEmpty()) {
            qualifiers.add("classifier=" + classifier);
        }
        if (!type.equals("jar")) {
            qualifiers.add("type=" + type);
        }
        return "pkg:maven/" + group + "/" + artifact + "@" + version + (qualifiers.isEmpty() ? "" : "?" + String.join("&", qualifiers));
    }
}

/**
 * The image's CycloneDX 1.6 SBOM: every jar in app/ (Maven coordinates, purl, SHA-256, where it lies)
 * and the JDK runtime with every module in it. Hand-written JSON: the builder has no JSON library,
 * and the document is small. Nothing in it changes between two builds of one commit (no random
 * serial number; the timestamp is project.build.outputTimestamp).
 */
final class Sbom {
    private final Coordinates project;
    private final String commit;
    private final Platform platform;
    private final Instant timestamp;

    Sbom(Coordinates project, String commit, Platform platform, Instant timestamp) {
        this.project = project;
        this.commit = commit;
        this.platform = platform;
        this.timestamp = timestamp;
    }

    String json(Path image, List<Dependency> dependencies, List<String> imageModules) throws IOException {
        List<Object> components = new ArrayList<>();
        List<Object> refs = new ArrayList<>();
        Map<String, Object> appJar = jar("application", project.group(), project.artifact(), project.version(), project.purl(),
                image.resolve("app/pg-mcp.jar"), "app/pg-mcp.jar");
        components.add(appJar);
        refs.add(project.purl());
        for (Dependency d : dependencies) {
            String location = "app/" + d.file().getFileName();
            components.add(jar("library", d.group(), d.artifact(), d.version(), d.purl(), image.resolve(location), location));
            refs.add(d.purl());
        }
        components.add(jdk(imageModules));
        refs.add("jdk");

        Map<String, Object> imageComponent = object(
                "type", "application",
                "bom-ref", "pg-mcp-image",
                "name", "pg-mcp",
                "version", project.version(),
                "description", "pg-mcp runtime image for " + platform.os() + "-" + platform.arch()
                        + ": a jlink-linked Java runtime, the application jars, conf/ and the launchers",
                "properties", List.of(
                        object("name", "pg-mcp:commit", "value", commit),
                        object("name", "pg-mcp:os", "value", platform.os()),
                        object("name", "pg-mcp:arch", "value", platform.arch())));
        Map<String, Object> bom = object(
                "bomFormat", "CycloneDX",
                "specVersion", "1.6",
                "version", 1,
                "metadata", object(
                        "timestamp", timestamp.toString(),
                        "tools", object("components", List.of(object(
                                "type", "application", "name", "pg-mcp jlink/ImageBuilder.java", "version", project.version()))),
                        "component", imageComponent),
                "components", components,
                "dependencies", List.of(object("ref", "pg-mcp-image", "dependsOn", refs)));
        StringBuilder out = new StringBuilder();
        Json.write(bom, out, "");
        return out.append('\n').toString();
    }

    private static Map<String, Object> jar(String type, String group, String name, String version, String purl, Path file,
                                           String location) throws IOException {
        return object(
                "type", type,
                "bom-ref", purl,
                "group", group,
                "name", name,
                "version", version,
                "purl", purl,
                "hashes", List.of(object("alg", "SHA-256", "content", ReleaseArchive.sha256(file))),
                "evidence", object("occurrences", List.of(object("location", location))));
    }

    /** The runtime of the image is the JDK that runs this builder (jlink links its own modules). */
    private static Map<String, Object> jdk(List<String> imageModules) {
        List<Object> modules = new ArrayList<>();
        for (String module : imageModules) {
            String name = module.substring(0, module.indexOf('@'));
            modules.add(object("type", "library", "bom-ref", "jdk-module:" + name, "name", name,
                    "version", module.substring(module.indexOf('@') + 1)));
        }
        String vendorVersion = System.getProperty("java.vendor.version");
        String distribution = vendorVersion == null || vendorVersion.isBlank() ? "OpenJDK"
                : vendorVersion.contains("-") ? vendorVersion.substring(0, vendorVersion.indexOf('-')) : vendorVersion;
        return object(
                "type", "platform",
                "bom-ref", "jdk",
                "supplier", object("name", System.getProperty("java.vendor")),
                "name", distribution,
                "version", System.getProperty("java.runtime.version"),
                "description", "The Java runtime linked into the image by jlink"
                        + (vendorVersion == null ? "" : " (" + vendorVersion + ")") + ": only the modules listed",
                "components", modules);
    }

    private static Map<String, Object> object(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}

/** A small JSON writer for the SBOM: maps (in order), lists, strings, numbers; two-space indentation. */
final class Json {
    private Json() {
    }

    static void write(Object value, StringBuilder out, String indent) {
        switch (value) {
            case Map<?, ?> map -> {
                out.append("{\n");
                int i = 0;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    out.append(indent).append("  ");
                    string((String) e.getKey(), out);
                    out.append(": ");
                    write(e.getValue(), out, indent + "  ");
                    out.append(++i < map.size() ? ",\n" : "\n");
                }
                out.append(indent).append('}');
            }
            case List<?> list -> {
                out.append("[\n");
                for (int i = 0; i < list.size(); i++) {
                    out.append(indent).append("  ");
                    write(list.get(i), out, indent + "  ");
                    out.append(i + 1 < list.size() ? ",\n" : "\n");
                }
                out.append(indent).append(']');
            }
            case String s -> string(s, out);
            case Integer n -> out.append(n);
            default -> throw new IllegalArgumentException("no JSON form for " + value.getClass());
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}

/**
 * The release archive of an image, under one top-level folder: a tar.gz that is the same bytes for
 * the same image files (entries sorted by path, every mtime the build's output timestamp, owner
 * root:root with uid/gid 0, modes normalized to 0755 for directories and executables and 0644
 * otherwise, symbolic links kept, gzip header with mtime 0); or a zip for Windows (same order and
 * times; a zip written by java.util.zip carries no Unix modes, and Windows has none).
 */
final class ReleaseArchive {
    private static final int BLOCK = 512;
    private static final int RECORD = 20 * BLOCK;

    private final Path image;
    private final String root;
    private final Instant timestamp;

    ReleaseArchive(Path image, String root, Instant timestamp) {
        this.image = image;
        this.root = root;
        this.timestamp = timestamp;
    }

    void write(Path archive, String format) throws IOException {
        Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
            if (format.equals("zip")) {
                writeZip(out);
            } else {
                writeTarGz(out);
            }
        }
        Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Files, directories and links of the image by path with '/' separators, parents before children. */
    private List<Path> entries() throws IOException {
        try (Stream<Path> s = Files.walk(image)) {
            return s.filter(p -> !p.equals(image))
                    .sorted((a, b) -> name(a).compareTo(name(b)))
                    .toList();
        }
    }

    private String name(Path p) {
        return image.relativize(p).toString().replace('\\', '/');
    }

    private void writeTarGz(OutputStream sink) throws IOException {
        try (GZIPOutputStream gzip = new GZIPOutputStream(sink, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            long written = 0;
            written += header(gzip, root + "/", 0755, 0, '5', "");
            for (Path p : entries()) {
                String name = root + "/" + name(p);
                if (Files.isSymbolicLink(p)) {
                    String target = Files.readSymbolicLink(p).toString().replace('\\', '/');
                    Path resolved = p.getParent().resolve(target).normalize();
                    if (target.startsWith("/") || !resolved.startsWith(image.normalize())) {
                        throw new IllegalStateException("symbolic link " + p + " -> " + target + " points outside the image");
                    }
                    written += header(gzip, name, 0777, 0, '2', target);
                } else if (Files.isDirectory(p)) {
                    written += header(gzip, name + "/", 0755, 0, '5', "");
                } else {
                    long size = Files.size(p);
                    written += header(gzip, name, executable(p) ? 0755 : 0644, size, '0', "");
                    try (InputStream in = Files.newInputStream(p)) {
                        if (in.transferTo(gzip) != size) {
                            throw new IllegalStateException(p + " changed while it was archived");
                        }
                    }
                    written += size;
                    int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
                    gzip.write(new byte[pad]);
                    written += pad;
                }
            }
            // two zero blocks end the archive; pad to whole records as tar itself does
            long end = written + 2L * BLOCK;
            gzip.write(new byte[(int) (2L * BLOCK + (RECORD - end % RECORD) % RECORD)]);
        }
    }

    /** The owner's execute bit where the file system has one (bin/pg-mcp, bin/java, lib/jspawnhelper). */
    private static boolean executable(Path p) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return Files.getPosixFilePermissions(p).contains(PosixFilePermission.OWNER_EXECUTE);
        }
        return Files.isExecutable(p);
    }

    /** One ustar header block; long names are split into prefix and name as ustar allows (at most 255 bytes). */
    private int header(OutputStream out, String path, int mode, long size, char type, String link) throws IOException {
        byte[] block = new byte[BLOCK];
        byte[] full = path.getBytes(StandardCharsets.UTF_8);
        String prefix = "";
        String name = path;
        if (full.length > 100) {
            int slash = path.lastIndexOf('/', path.endsWith("/") ? path.length() - 2 : path.length() - 1);
            while (slash > 0 && (path.substring(0, slash).getBytes(StandardCharsets.UTF_8).length > 155
                    || path.substring(slash + 1).getBytes(StandardCharsets.UTF_8).length > 100)) {
                slash = path.lastIndexOf('/', slash - 1);
            }
            if (slash <= 0 || path.substring(slash + 1).getBytes(StandardCharsets.UTF_8).length > 100) {
                throw new IllegalStateException("path too long for a ustar archive (" + full.length + " bytes): " + path);
            }
            prefix = path.substring(0, slash);
            name = path.substring(slash + 1);
        }
        if (link.getBytes(StandardCharsets.UTF_8).length > 100) {
            throw new IllegalStateException("link target too long for a ustar archive: " + path + " -> " + link);
        }
        if (size >= 1L << 33) {
            throw new IllegalStateException(path + " is too big for a ustar archive: " + size + " bytes");
        }
        put(block, 0, 100, name);
        put(block, 100, 8, String.format("%07o", mode));
        put(block, 108, 8, "0000000");
        put(block, 116, 8, "0000000");
        put(block, 124, 12, String.format("%011o", size));
        put(block, 136, 12, String.format("%011o", timestamp.getEpochSecond()));
        Arrays.fill(block, 148, 156, (byte) ' ');
        block[156] = (byte) type;
        put(block, 157, 100, link);
        put(block, 257, 6, "ustar");
        put(block, 263, 2, "00");
        put(block, 265, 32, "root");
        put(block, 297, 32, "root");
        put(block, 329, 8, "0000000");
        put(block, 337, 8, "0000000");
        put(block, 345, 155, prefix);
        int sum = 0;
        for (byte b : block) {
            sum += b & 0xff;
        }
        put(block, 148, 7, String.format("%06o", sum)); // six digits, NUL, and the space already there
        out.write(block);
        return BLOCK;
    }

    private static void put(byte[] block, int offset, int length, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > length) {
            throw new IllegalStateException("'" + value + "' does not fit a " + length + "-byte tar field");
        }
        System.arraycopy(bytes, 0, block, offset, bytes.length);
        Arrays.fill(block, offset + bytes.length, offset + length, (byte) 0);
    }

    private void writeZip(OutputStream sink) throws IOException {
        // DOS times are local times without a zone: written as the UTC wall clock, with no extra
        // timestamp fields, so the bytes do not depend on the build machine's time zone
        LocalDateTime time = LocalDateTime.ofInstant(timestamp, ZoneOffset.UTC);
        try (ZipOutputStream zip = new ZipOutputStream(sink)) {
            zip.setLevel(Deflater.BEST_COMPRESSION);
            ZipEntry top = new ZipEntry(root + "/");
            top.setTimeLocal(time);
            zip.putNextEntry(top);
            zip.closeEntry();
            for (Path p : entries()) {
                boolean directory = Files.isDirectory(p);
                ZipEntry entry = new ZipEntry(root + "/" + name(p) + (directory ? "/" : ""));
                entry.setTimeLocal(time);
                zip.putNextEntry(entry);
                if (!directory) {
                    Files.copy(p, zip); // a symbolic link is stored as the file it points to
                }
                zip.closeEntry();
            }
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
