package io.pgmcp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A directory holding PostgreSQL server binaries: at least {@code initdb} and {@code pg_ctl}, both
 * executable. {@link #find} looks on {@code PATH} first, then under {@code /usr/lib/postgresql/N/bin}
 * (Debian's layout, which keeps them off {@code PATH}) and takes the highest version there.
 */
record PostgresBinaries(Path binDir) {

    /** Where Debian and Ubuntu install one directory per major version. */
    static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    PostgresBinaries {
        Objects.requireNonNull(binDir, "binDir");
        if (!holdsServerBinaries(binDir)) {
            throw new IllegalArgumentException("No executable initdb and pg_ctl in " + binDir);
        }
    }

    /** The binaries of this machine: {@code PATH}, else {@link #DEBIAN_ROOT}. */
    static Optional<PostgresBinaries> find() {
        return find(Objects.requireNonNullElse(System.getenv("PATH"), ""), DEBIAN_ROOT);
    }

    /**
     * The first {@code PATH} entry that holds both {@code initdb} and {@code pg_ctl}; else the
     * {@code versionsRoot/N/bin} with the highest version N that holds them; else empty.
     */
    static Optional<PostgresBinaries> find(String pathVariable, Path versionsRoot) {
        for (String entry : pathVariable.split(java.io.File.pathSeparator)) {
            if (!entry.isBlank() && holdsServerBinaries(Path.of(entry))) {
                return Optional.of(new PostgresBinaries(Path.of(entry).toAbsolutePath()));
            }
        }
        if (!Files.isDirectory(versionsRoot)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(versionsRoot)) {
            return versions
                    .filter(dir -> parseVersion(dir.getFileName().toString()) != null)
                    .filter(dir -> holdsServerBinaries(dir.resolve("bin")))
                    .max(Comparator.comparing(dir -> parseVersion(dir.getFileName().toString()),
                            PostgresBinaries::compare))
                    .map(dir -> new PostgresBinaries(dir.resolve("bin")));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + versionsRoot, e);
        }
    }

    Path initdb() {
        return binDir.resolve("initdb");
    }

    Path pgCtl() {
        return binDir.resolve("pg_ctl");
    }

    private static boolean holdsServerBinaries(Path dir) {
        return Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl"));
    }

    /** "15" → [15], "9.6" → [9, 6]; null when the name is not a version. */
    private static List<Integer> parseVersion(String name) {
        if (!name.matches("\\d+(\\.\\d+)*")) {
            return null;
        }
        List<Integer> parts = new ArrayList<>();
        Arrays.stream(name.split("\\.")).forEach(part -> parts.add(Integer.parseInt(part)));
        return parts;
    }

    private static int compare(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            int cmp = Integer.compare(i < a.size() ? a.get(i) : 0, i < b.size() ? b.get(i) : 0);
            if (cmp != 0) {
                return cmp;
            }
        }
        return 0;
    }
}
