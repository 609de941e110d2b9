package io.pgmcp.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * What running Keycloak needs from this machine, and the unpacked server: the
 * {@code keycloak-quarkus-dist} zip in the local Maven repository (put there by {@link #FETCH_COMMAND},
 * never downloaded by a test), {@code bash} for {@code kc.sh}, a JDK 21 or newer for the server (the
 * build's JVM when it is one, else the newest under {@code /usr/lib/jvm}), and {@link #MIN_MEMORY_BYTES}
 * of available memory. {@link #unavailability} says which of these is missing.
 */
record KeycloakDistribution(Path zip, Path bash, Path javaHome) {

    static final String VERSION = "26.7.3";
    static final String FETCH_COMMAND = "./mvnw -B -q dependency:get -Dartifact=org.keycloak:keycloak-quarkus-dist:"
            + VERSION + ":zip -Dtransitive=false";
    /** The server's heap is capped at 512 MB; its resident size after start is about 470 MB. */
    static final long MIN_MEMORY_BYTES = 1024L * 1024 * 1024;
    static final int MIN_JAVA_FEATURE = 21;
    private static final Path JVM_ROOT = Path.of("/usr/lib/jvm");
    private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    KeycloakDistribution {
        Objects.requireNonNull(zip, "zip");
        Objects.requireNonNull(bash, "bash");
        Objects.requireNonNull(javaHome, "javaHome");
    }

    /** This machine's distribution, or why Keycloak cannot run here (to skip the tests with). */
    static Result find() {
        return find(localRepository(), findBash(), findJdk(), availableMemory());
    }

    /** A distribution from what was found, or the first thing missing, in words that say how to fix it. */
    static Result find(Path repository, Optional<Path> bash, Optional<Path> javaHome, OptionalLong availableMemory) {
        Path zip = zipIn(repository);
        if (!Files.isRegularFile(zip)) {
            return new Result.Unavailable("Keycloak " + VERSION + " is not in the local Maven repository (no " + zip
                    + "); fetch it with: " + FETCH_COMMAND);
        }
        if (bash.isEmpty()) {
            return new Result.Unavailable("Keycloak's kc.sh needs bash, which is not on PATH");
        }
        if (javaHome.isEmpty()) {
            return new Result.Unavailable("Keycloak needs a JDK " + MIN_JAVA_FEATURE + " or newer (the build's JVM "
                    + "is older and there is none under " + JVM_ROOT + ")");
        }
        if (availableMemory.isPresent() && availableMemory.getAsLong() < MIN_MEMORY_BYTES) {
            return new Result.Unavailable("Keycloak needs " + MIN_MEMORY_BYTES / (1024 * 1024) + " MiB of available "
                    + "memory; only " + availableMemory.getAsLong() / (1024 * 1024) + " MiB are available");
        }
        return new Result.Available(new KeycloakDistribution(zip, bash.get(), javaHome.get()));
    }

    sealed interface Result {
        record Available(KeycloakDistribution distribution) implements Result {}

        record Unavailable(String reason) implements Result {}
    }

    static Path zipIn(Path repository) {
        return repository.resolve(Path.of("org", "keycloak", "keycloak-quarkus-dist", VERSION,
                "keycloak-quarkus-dist-" + VERSION + ".zip"));
    }

    /**
     * The build's local repository: {@code pgmcp.maven.repository} (the pom passes Maven's
     * {@code settings.localRepository}), else {@code maven.repo.local}, else {@code ~/.m2/repository}.
     */
    static Path localRepository() {
        for (String property : List.of("pgmcp.maven.repository", "maven.repo.local")) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                return Path.of(value);
            }
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /**
     * The server unpacked under {@code parent} as {@code keycloak-VERSION}, unpacking the zip first if
     * it is not there yet. Unpacked beside it and moved into place in one step, so a run killed half-way
     * leaves no half-unpacked server behind.
     */
    Path unpackInto(Path parent) throws IOException {
        Path home = parent.resolve("keycloak-" + VERSION);
        if (Files.isRegularFile(home.resolve("bin").resolve("kc.sh"))) {
            return home;
        }
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "keycloak-unpacking-");
        try {
            unzip(zip, staging);
            Path unpacked = staging.resolve("keycloak-" + VERSION);
            if (!Files.isRegularFile(unpacked.resolve("bin").resolve("kc.sh"))) {
                throw new IllegalStateException(zip + " holds no keycloak-" + VERSION + "/bin/kc.sh");
            }
            try (Stream<Path> bin = Files.list(unpacked.resolve("bin"))) {
                for (Path script : bin.filter(file -> file.toString().endsWith(".sh")).toList()) {
                    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
            try {
                Files.move(unpacked, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                if (!Files.isRegularFile(home.resolve("bin").resolve("kc.sh"))) {
                    throw e; // not another JVM that unpacked it first
                }
            }
            return home;
        } finally {
            deleteRecursively(staging);
        }
    }

    private static void unzip(Path zip, Path target) throws IOException {
        try (InputStream file = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(file)) {
            for (ZipEntry entry; (entry = entries.getNextEntry()) != null;) {
                Path destination = target.resolve(entry.getName()).normalize();
                if (!destination.startsWith(target)) {
                    throw new IllegalStateException(zip + " has an entry outside its root: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(destination);
                } else {
                    Files.createDirectories(destination.getParent());
                    Files.copy(entries, destination);
                }
            }
        }
    }

    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(directory)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static Optional<Path> findBash() {
        List<Path> candidates = new ArrayList<>();
        for (String entry : Objects.requireNonNullElse(System.getenv("PATH"), "").split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) {
                candidates.add(Path.of(entry, "bash"));
            }
        }
        candidates.add(Path.of("/bin/bash"));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** The newest JDK 21+ among the build's own JVM and those under {@link #JVM_ROOT}. */
    static Optional<Path> findJdk() {
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of(System.getProperty("java.home")));
        if (Files.isDirectory(JVM_ROOT)) {
            try (Stream<Path> installed = Files.list(JVM_ROOT)) {
                installed.sorted().forEach(candidates::add);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + JVM_ROOT, e);
            }
        }
        Path best = null;
        int bestFeature = MIN_JAVA_FEATURE - 1;
        for (Path candidate : candidates) {
            OptionalInt feature = javaFeature(candidate);
            if (feature.isPresent() && feature.getAsInt() > bestFeature
                    && Files.isExecutable(candidate.resolve("bin").resolve("java"))) {
                best = candidate;
                bestFeature = feature.getAsInt();
            }
        }
        return Optional.ofNullable(best);
    }

    /** The feature version in a JDK's {@code release} file ({@code JAVA_VERSION="25.0.3"} → 25). */
    static OptionalInt javaFeature(Path javaHome) {
        Path release = javaHome.resolve("release");
        if (!Files.isRegularFile(release)) {
            return OptionalInt.empty();
        }
        try {
            Matcher matcher = RELEASE_VERSION.matcher(Files.readString(release, StandardCharsets.UTF_8));
            return matcher.find() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
        } catch (IOException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * Memory available to a new process: {@code MemAvailable} of {@code /proc/meminfo}, lowered to what
     * the cgroup (v2) still allows; empty where neither can be read (not Linux), which does not refuse.
     */
    static OptionalLong availableMemory() {
        OptionalLong available = OptionalLong.empty();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("MemAvailable:")) {
                    available = OptionalLong.of(Long.parseLong(line.replaceAll("\\D", "")) * 1024);
                }
            }
            Path cgroup = Path.of("/sys/fs/cgroup");
            String max = Files.readString(cgroup.resolve("memory.max"), StandardCharsets.US_ASCII).strip();
            if (!max.equals("max")) {
                long current = Long.parseLong(
                        Files.readString(cgroup.resolve("memory.current"), StandardCharsets.US_ASCII).strip());
                long allowed = Long.parseLong(max) - current;
                if (available.isEmpty() || allowed < available.getAsLong()) {
                    available = OptionalLong.of(allowed);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no cgroup v2 limit readable: MemAvailable (if any) stands
        }
        return available;
    }
}
