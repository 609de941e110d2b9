import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Writes {@code io/pgmcp/app/build-info.properties} for {@code pg-mcp --version}: the version, the
 * git commit of the source tree ({@code unknown} without git, e.g. from a source tarball; with
 * {@code -dirty} when tracked files differ from it) and the JDK this program runs on, which is the
 * toolchain JDK that compiles pg-mcp and links its image.
 *
 * <p>The file has no date in it (unlike {@code Properties.store}), so two builds of one commit give
 * the same jar. Usage: {@code java BuildInfo.java --version V --source-dir DIR --output FILE}.
 */
public final class BuildInfo {
    private static final long GIT_TIMEOUT_SECONDS = 20;

    private BuildInfo() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " has no value");
            }
            options.put(args[i], args[i + 1]);
        }
        String version = require(options, "--version");
        Path sourceDir = Path.of(require(options, "--source-dir"));
        Path output = Path.of(require(options, "--output"));

        String commit = commit(sourceDir);
        String jdk = System.getProperty("java.runtime.version") + " " + vendor();
        String text = "# written by jlink/BuildInfo.java; read by io.pgmcp.app.BuildInfo\n"
                + "version=" + escape(version) + "\n"
                + "commit=" + escape(commit) + "\n"
                + "jdk=" + escape(jdk) + "\n";
        Files.createDirectories(output.getParent());
        Files.writeString(output, text, StandardCharsets.ISO_8859_1);
        System.out.println("[BuildInfo] pg-mcp " + version + ", commit " + commit + ", JDK " + jdk);
    }

    /** "Temurin" from java.vendor.version "Temurin-25.0.3+9"; the vendor's name when the JDK sets no vendor version. */
    private static String vendor() {
        String vendorVersion = System.getProperty("java.vendor.version");
        if (vendorVersion != null && !vendorVersion.isBlank()) {
            int dash = vendorVersion.indexOf('-');
            return dash > 0 ? vendorVersion.substring(0, dash) : vendorVersion;
        }
        return System.getProperty("java.vendor", "unknown vendor");
    }

    /** The full commit id of HEAD, "-dirty" appended when tracked files were changed; "unknown" without git or a repository. */
    private static String commit(Path sourceDir) throws IOException, InterruptedException {
        Optional<List<String>> head = git(sourceDir, "rev-parse", "--verify", "HEAD");
        if (head.isEmpty() || head.get().size() != 1 || !head.get().getFirst().matches("[0-9a-f]{40,64}")) {
            System.out.println("[BuildInfo] no git commit for " + sourceDir + ": --version says 'commit unknown'");
            return "unknown";
        }
        List<String> changes = git(sourceDir, "--no-optional-locks", "status", "--porcelain", "--untracked-files=no")
                .orElseThrow(() -> new IllegalStateException("git status failed in " + sourceDir + " although git rev-parse HEAD worked"));
        return head.get().getFirst() + (changes.isEmpty() ? "" : "-dirty");
    }

    /** The output lines of a git command; empty when git is not installed or the command fails. */
    private static Optional<List<String>> git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("pg-mcp-git", ".out");
        try {
            Process process;
            try {
                process = new ProcessBuilder(command).redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                return Optional.empty(); // no git on this machine
            }
            process.getOutputStream().close();
            if (!process.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + GIT_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                return Optional.empty();
            }
            return Optional.of(Files.readAllLines(out, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList());
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static String escape(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing " + name + " (usage: java BuildInfo.java --version V --source-dir DIR --output FILE)");
        }
        return value;
    }
}
