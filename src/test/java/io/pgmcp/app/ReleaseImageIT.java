package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built image and its release as a user gets them: at most 80 MiB, nothing in bin/ but pg-mcp's
 * launchers and the java they start, no java.desktop, an archive that matches its .sha256 and
 * unpacks into an image that starts from its AOT cache, an SBOM that names every jar and JDK module
 * inside, and {@code --version} naming the version, the commit and the JDK.
 */
class ReleaseImageIT {
    /**
     * The image's budget, 80 MB in MiB as {@code du -sh} counts (the first image's lib/modules, "58 MB",
     * was 60,771,774 bytes); counted like {@code du -sb}: the apparent size of every file, directory and link.
     */
    static final long MAX_IMAGE_BYTES = 80L * 1024 * 1024;

    @TempDir
    Path dir;

    private static Path releaseDir() {
        return Path.of(property("pgmcp.release.dir"));
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: run through ./mvnw verify");
        }
        return value;
    }

    private static String version() {
        return property("pgmcp.version");
    }

    @Test
    void imageIsAtMost80MiB() throws IOException {
        Map<String, Long> bySize = new TreeMap<>();
        long total = 0;
        try (Stream<Path> all = Files.walk(ImageProcess.imageDir())) {
            for (Path p : all.toList()) {
                long size = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
                total += size;
                bySize.put(ImageProcess.imageDir().relativize(p).toString(), size);
            }
        }
        String biggest = bySize.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(8)
                .map(e -> e.getKey() + " " + e.getValue()).toList().toString();
        assertTrue(total <= MAX_IMAGE_BYTES,
                "the image is " + total + " bytes, more than " + MAX_IMAGE_BYTES + "; biggest: " + biggest);
    }

    @Test
    void binHoldsOnlyThePgMcpLaunchersAndTheJavaTheyStart() throws IOException {
        Path bin = ImageProcess.imageDir().resolve("bin");
        TreeSet<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(bin)) {
            files.forEach(f -> names.add(f.getFileName().toString()));
        }
        assertEquals(new TreeSet<>(List.of("java", "pg-mcp", "pg-mcp.cmd")), names,
                "no JDK tools (keytool, jwebserver, ...)");
        assertTrue(Files.getPosixFilePermissions(bin.resolve("pg-mcp")).contains(PosixFilePermission.OTHERS_EXECUTE));
    }

    @Test
    void windowsLauncherStartsTheSameJvmAsTheShellLauncher() throws IOException {
        byte[] bytes = Files.readAllBytes(ImageProcess.imageDir().resolve("bin/pg-mcp.cmd"));
        String cmd = new String(bytes, StandardCharsets.US_ASCII);
        assertEquals(cmd.split("\n", -1).length, cmd.split("\r\n", -1).length, "every line of the .cmd ends in CRLF");
        String sh = Files.readString(ImageProcess.imageDir().resolve("bin/pg-mcp"));
        for (String shared : List.of("lib/pg-mcp.jvmflags", "lib/pg-mcp.aot", "app/pg-mcp.jar", "-XX:AOTCache=",
                "PG_MCP_JAVA_OPTS")) {
            assertTrue(sh.contains(shared), "bin/pg-mcp uses " + shared);
            assertTrue(cmd.contains(shared.replace('/', '\\')),
                    "bin/pg-mcp.cmd uses " + shared + " as bin/pg-mcp does:\n" + cmd);
        }
        assertTrue(cmd.contains("%~dp0"), "the .cmd finds the image from its own place");
        assertTrue(cmd.contains("\\bin\\java.exe\" \"@"), "runs the image's own java with the flags file");
        assertTrue(cmd.contains(" %*\r\n"), "passes every argument on");
    }

    @Test
    void imageLeavesOutJavaDesktop() throws Exception {
        List<String> modules = java("--list-modules");
        assertTrue(modules.stream().anyMatch(m -> m.startsWith("java.sql@")), modules.toString());
        assertFalse(modules.stream().anyMatch(m -> m.startsWith("java.desktop@")),
                "java.desktop (18 MB of AWT, Swing and java.beans) came back: " + modules);
    }

    @Test
    void imageStartsFromItsAotCache() throws Exception {
        // AOTMode=on: the JVM refuses to start when it cannot use the cache
        try (ImageProcess version = ImageProcess.start(Map.of("PG_MCP_JAVA_OPTS", "-XX:AOTMode=on"), "--version")) {
            assertEquals(0, version.waitFor(), String.join("\n", version.stderrLines()));
        }
    }

    @Test
    void versionNamesVersionCommitAndJdk() throws Exception {
        Map<String, String> jvm = jvmProperties();
        String vendorVersion = jvm.get("java.vendor.version");
        String vendor = vendorVersion == null ? jvm.get("java.vendor") : vendorVersion.split("-")[0];
        String expected = "pg-mcp " + version() + " (commit " + expectedCommit() + ", built with JDK "
                + jvm.get("java.runtime.version") + " " + vendor + ")";
        try (ImageProcess version = ImageProcess.start(Map.of(), "--version")) {
            assertEquals(0, version.waitFor());
            assertEquals(List.of(expected), version.stdoutLines());
        }
    }

    @Test
    void archiveMatchesItsChecksumAndUnpacksIntoAWorkingImage() throws Exception {
        Path archive = archive();
        Path checksum = archive.resolveSibling(archive.getFileName() + ".sha256");
        assertEquals(sha256(archive) + "  " + archive.getFileName() + "\n", Files.readString(checksum),
                "the .sha256 is what sha256sum -c reads");

        // unpacked where a user may put it: a folder whose name has a space
        Path parent = Files.createDirectory(dir.resolve("my tools"));
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", parent.toString()).inheritIO()
                .start();
        assertTrue(tar.waitFor(120, TimeUnit.SECONDS) && tar.exitValue() == 0, "tar -xzf " + archive);
        String root = "pg-mcp-" + version();
        try (Stream<Path> top = Files.list(parent)) {
            assertEquals(List.of(root), top.map(p -> p.getFileName().toString()).toList(), "one top-level folder");
        }
        Path unpacked = parent.resolve(root);
        assertEquals(listing(ImageProcess.imageDir()), listing(unpacked),
                "the archive holds the image: paths, sizes, execute bits, links");

        // moved elsewhere and with new file times, the image still starts from its AOT cache
        ImageRun version = runLauncher(unpacked.resolve("bin/pg-mcp"), dir, "--version");
        assertEquals(0, version.exit(), version.output());
        assertTrue(version.output().startsWith("pg-mcp " + version() + " ("), version.output());

        // started through a link on the PATH's side, from another folder: the link is followed to the image,
        // and the working folder stays the caller's (a relative --config is read from it)
        Path links = Files.createDirectory(dir.resolve("links"));
        Path link = Files.createSymbolicLink(links.resolve("pg-mcp"), unpacked.resolve("bin/pg-mcp"));
        Path work = Files.createDirectory(dir.resolve("work"));
        Files.writeString(work.resolve("relative.yaml"), """
                databases:
                  - name: main
                    url: postgresql://reader@127.0.0.1:5432/app
                """);
        ImageRun linked = runLauncher(link, work, "--version");
        assertEquals(0, linked.exit(), linked.output());
        ImageRun validated = runLauncher(link, work, "--validate-config", "--config", "relative.yaml");
        assertEquals(0, validated.exit(), validated.output());
    }

    private record ImageRun(int exit, String output) {}

    /** Runs a launcher in {@code workDir} with the JVM told to refuse to start without its AOT cache. */
    private static ImageRun runLauncher(Path launcher, Path workDir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("PG_MCP_"));
        builder.environment().put("PG_MCP_JAVA_OPTS", "-XX:AOTMode=on");
        Process started = builder.start();
        String out = new String(started.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(started.waitFor(60, TimeUnit.SECONDS));
        return new ImageRun(started.exitValue(), out);
    }

    @Test
    void archiveEntriesAreSortedWithFixedTimesAndOwners() throws Exception {
        Instant timestamp = Instant.parse(property("pgmcp.output.timestamp"));
        List<TarEntry> entries = TarEntry.read(archive());
        List<String> names = entries.stream().map(TarEntry::name).toList();
        assertEquals(names.stream().sorted().toList(), names, "entries sorted by name");
        assertEquals("pg-mcp-" + version() + "/", names.getFirst());
        for (TarEntry e : entries) {
            assertEquals(timestamp.getEpochSecond(), e.mtime(), e.name() + ": the build's output timestamp");
            assertEquals(0, e.uid(), e.name());
            assertEquals(0, e.gid(), e.name());
            assertEquals("root", e.user(), e.name());
            assertEquals("root", e.group(), e.name());
        }
        TarEntry launcher = entries.stream().filter(e -> e.name().endsWith("/bin/pg-mcp")).findFirst().orElseThrow();
        assertEquals(0755, launcher.mode());
        byte[] head = new byte[10];
        try (InputStream in = Files.newInputStream(archive())) {
            assertEquals(10, in.readNBytes(head, 0, 10));
        }
        assertArrayEquals(new byte[]{0, 0, 0, 0}, Arrays.copyOfRange(head, 4, 8), "gzip header mtime 0");
    }

    @Test
    void sbomNamesEveryJarWithItsHashAndEveryModuleOfTheRuntime() throws Exception {
        Path image = ImageProcess.imageDir();
        byte[] inside = Files.readAllBytes(image.resolve("lib/sbom.cdx.json"));
        Path beside = releaseDir()
                .resolve(archive().getFileName().toString().replaceFirst("\\.(tar\\.gz|zip)$", ".cdx.json"));
        assertArrayEquals(inside, Files.readAllBytes(beside), "the SBOM beside the archive is the one in the image");
        JsonNode sbom = ImageProcess.JSON.readTree(inside);
        assertEquals("CycloneDX", sbom.get("bomFormat").asText());
        assertEquals("1.6", sbom.get("specVersion").asText());
        assertEquals(version(), sbom.at("/metadata/component/version").asText());

        Map<String, JsonNode> byLocation = new TreeMap<>();
        JsonNode jdk = null;
        for (JsonNode component : sbom.get("components")) {
            if (component.get("type").asText().equals("platform")) {
                jdk = component;
            } else {
                byLocation.put(component.at("/evidence/occurrences/0/location").asText(), component);
            }
        }
        TreeSet<String> jars = new TreeSet<>();
        try (Stream<Path> files = Files.list(image.resolve("app"))) {
            files.forEach(f -> jars.add("app/" + f.getFileName()));
        }
        assertEquals(jars, byLocation.keySet(), "one component per jar in app/, none for anything else");
        for (String jar : jars) {
            JsonNode c = byLocation.get(jar);
            String name = c.get("name").asText();
            String version = c.get("version").asText();
            assertFalse(version.isBlank(), jar);
            assertEquals("pkg:maven/" + c.get("group").asText() + "/" + name + "@" + version, c.get("purl").asText(),
                    jar);
            assertEquals("SHA-256", c.at("/hashes/0/alg").asText(), jar);
            assertEquals(sha256(image.resolve(jar)), c.at("/hashes/0/content").asText(),
                    jar + ": the hash of the jar in the image");
            if (!jar.equals("app/pg-mcp.jar")) {
                assertEquals("app/" + name + "-" + version + ".jar", jar, "Maven's file name from the coordinates");
            }
        }

        assertNotNull(jdk, "the JDK runtime is a component");
        Map<String, String> jvm = jvmProperties();
        assertEquals(jvm.get("java.runtime.version"), jdk.get("version").asText());
        assertEquals(jvm.get("java.vendor"), jdk.at("/supplier/name").asText());
        List<String> listed = new ArrayList<>();
        for (JsonNode module : jdk.get("components")) {
            listed.add(module.get("name").asText() + "@" + module.get("version").asText());
        }
        assertEquals(java("--list-modules").stream().sorted().toList(), listed.stream().sorted().toList(),
                "every module the image's java lists, with its version");
    }

    /** The one release archive of this build for this machine. */
    private static Path archive() throws IOException {
        try (Stream<Path> files = Files.list(releaseDir())) {
            List<Path> archives = files.filter(f -> f.getFileName().toString().matches(
                    "pg-mcp-" + Pattern.quote(version()) + "-(linux|macos|windows)-(x64|aarch64)\\.(tar\\.gz|zip)"))
                    .toList();
            assertEquals(1, archives.size(), "one release archive in " + releaseDir() + ": " + archives);
            return archives.getFirst();
        }
    }

    /** What {@code git} says about the source tree, as jlink/BuildInfo.java recorded it at build time. */
    private static String expectedCommit() throws Exception {
        Path source = Path.of(property("pgmcp.source.dir"));
        List<String> head = git(source, "rev-parse", "--verify", "HEAD");
        if (head == null) {
            return "unknown";
        }
        List<String> changes = git(source, "--no-optional-locks", "status", "--porcelain", "--untracked-files=no");
        assertNotNull(changes, "git status works where git rev-parse did");
        return head.getFirst().substring(0, 7) + (changes.isEmpty() ? "" : "-dirty");
    }

    private static List<String> git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return null;
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return process.exitValue() == 0 ? out.lines().filter(l -> !l.isBlank()).toList() : null;
    }

    /** The output lines of the image's own bin/java with {@code args}. */
    private static List<String> java(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ImageProcess.imageDir().resolve("bin/java").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** System properties of the image's runtime, from {@code java -XshowSettings:properties -version}. */
    private static Map<String, String> jvmProperties() throws Exception {
        Map<String, String> properties = new TreeMap<>();
        for (String line : java("-XshowSettings:properties", "-version")) {
            int eq = line.indexOf(" = ");
            if (eq > 0) {
                properties.put(line.substring(0, eq), line.substring(eq + 3));
            }
        }
        assertTrue(properties.containsKey("java.runtime.version"), properties.toString());
        return properties;
    }

    /** Relative path → size (or link target) and execute bit, for comparing two trees. */
    private static Map<String, String> listing(Path root) throws IOException {
        Map<String, String> listing = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.naturalOrder()).toList()) {
                String what;
                if (Files.isSymbolicLink(p)) {
                    what = "-> " + Files.readSymbolicLink(p);
                } else if (Files.isDirectory(p)) {
                    what = "dir";
                } else {
                    what = Files.size(p) + (Files.getPosixFilePermissions(p).contains(PosixFilePermission.OWNER_EXECUTE)
                            ? " x"
                            : "");
                }
                listing.put(root.relativize(p).toString(), what);
            }
        }
        return listing;
    }

    static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0;) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** One header of a ustar archive, read back to check what the build wrote. */
    record TarEntry(String name, int mode, int uid, int gid, long mtime, String user, String group) {
        static List<TarEntry> read(Path tarGz) throws IOException {
            List<TarEntry> entries = new ArrayList<>();
            try (InputStream in = new GZIPInputStream(Files.newInputStream(tarGz))) {
                byte[] block = new byte[512];
                while (in.readNBytes(block, 0, 512) == 512) {
                    if (block[0] == 0) {
                        break;
                    }
                    String prefix = text(block, 345, 155);
                    String name = (prefix.isEmpty() ? "" : prefix + "/") + text(block, 0, 100);
                    long size = octal(block, 124, 12);
                    entries.add(new TarEntry(name, (int) octal(block, 100, 8), (int) octal(block, 108, 8),
                            (int) octal(block, 116, 8),
                            octal(block, 136, 12), text(block, 265, 32), text(block, 297, 32)));
                    in.skipNBytes((size + 511) / 512 * 512);
                }
            }
            return entries;
        }

        private static String text(byte[] block, int offset, int length) {
            int end = offset;
            while (end < offset + length && block[end] != 0) {
                end++;
            }
            return new String(block, offset, end - offset, StandardCharsets.UTF_8);
        }

        private static long octal(byte[] block, int offset, int length) {
            String digits = text(block, offset, length).trim();
            return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
        }
    }
}
