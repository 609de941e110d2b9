package io.pgmcp.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The operating-system user a local cluster runs as, and the runner of commands as that user: the
 * JVM's own user, or {@code postgres} when the JVM runs as root, because {@code initdb} and
 * {@code pg_ctl} refuse to run as root. Commands are switched to that user with {@code runuser}, or
 * {@code su} where {@code runuser} is missing.
 */
final class ClusterOwner {

    /** How a command ended: its exit code and its output (stdout and stderr merged). */
    record Result(int exitCode, String output) {}

    /** Bounds every command; {@code pg_ctl start} itself gives up after 60 s. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    private static final String POSTGRES_USER = "postgres";

    private final String name;
    /** The principal to chown files to, or null when the JVM's user owns the cluster. */
    private final UserPrincipal switchTo;
    private final Path runuser;

    private ClusterOwner(String name, UserPrincipal switchTo, Path runuser) {
        this.name = name;
        this.switchTo = switchTo;
        this.runuser = runuser;
    }

    /**
     * The owner for this JVM.
     *
     * @throws IllegalStateException if the JVM runs as root and there is no {@code postgres} user
     */
    static ClusterOwner forThisJvm() {
        if (!jvmRunsAsRoot()) {
            return new ClusterOwner(System.getProperty("user.name"), null, null);
        }
        UserPrincipal postgres;
        try {
            postgres = Path.of("/").getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(POSTGRES_USER);
        } catch (UserPrincipalNotFoundException e) {
            throw new IllegalStateException("The build runs as root, which initdb refuses, and there is no '"
                    + POSTGRES_USER + "' OS user to run the test cluster as: create it (useradd --system "
                    + POSTGRES_USER + "; Debian's postgresql package does) or run the build as another user", e);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot look up the '" + POSTGRES_USER + "' OS user", e);
        }
        return new ClusterOwner(POSTGRES_USER, postgres, findRunuser().orElse(null));
    }

    String name() {
        return name;
    }

    /** {@code command} as it must be run to execute as this owner. */
    List<String> command(List<String> command) {
        if (switchTo == null) {
            return List.copyOf(command);
        }
        if (runuser != null) {
            List<String> switched = new ArrayList<>(List.of(runuser.toString(), "-u", name, "--"));
            switched.addAll(command);
            return switched;
        }
        String shellLine = command.stream().map(ClusterOwner::shellQuote).collect(Collectors.joining(" "));
        return List.of("su", name, "-s", "/bin/sh", "-c", shellLine);
    }

    /**
     * Runs {@code command} as this owner in {@code workingDirectory} (which this owner can write),
     * with no {@code PG*} environment variables and the C locale.
     *
     * @throws IllegalStateException if it runs longer than {@link #COMMAND_TIMEOUT}; it is killed
     * @throws InterruptedException if interrupted while waiting; the command is killed
     */
    Result run(Path workingDirectory, List<String> command) throws IOException, InterruptedException {
        // output goes to a file, not a pipe: a server started by the command would keep a pipe open
        Path output = Files.createTempFile(workingDirectory, "command-", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command(command))
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
            builder.environment().put("LC_ALL", "C");
            Process process = builder.start();
            process.getOutputStream().close();
            boolean finished;
            try {
                finished = process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                throw e;
            }
            String text = new String(Files.readAllBytes(output), StandardCharsets.UTF_8).strip();
            if (!finished) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " (as OS user " + name
                        + ") did not finish within " + COMMAND_TIMEOUT.toSeconds() + " s; output so far:\n" + text);
            }
            return new Result(process.exitValue(), text);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Hands {@code path} to this owner, so that the cluster's processes can write there. */
    void own(Path path) throws IOException {
        if (switchTo != null) {
            Files.setOwner(path, switchTo);
        }
    }

    static boolean jvmRunsAsRoot() {
        try {
            // /proc/self belongs to the process's effective user
            return Objects.equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"), 0);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static Optional<Path> findRunuser() {
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
        // root's PATH in CI may lack the sbin directories where runuser lives
        return Stream.concat(Stream.of(path.split(java.io.File.pathSeparator)),
                Stream.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, "runuser"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static String shellQuote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
