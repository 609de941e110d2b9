package io.pgmcp.app;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where this machine's {@code prometheus} and {@code promtool} are: the first {@code PATH} entry that
 * holds an executable of that name, else {@code /usr/bin} (Debian's {@code prometheus} package). The
 * tests that need them are skipped when they are absent; {@code .ci/run} installs them.
 */
final class PrometheusBinaries {
    static final String MISSING = " not found on PATH nor in /usr/bin: install Debian's prometheus package "
            + "(apt-get install prometheus; .ci/run does) to run this test";

    private PrometheusBinaries() {}

    static Optional<Path> find(String name) {
        List<String> dirs = new ArrayList<>(
                List.of(Objects.requireNonNullElse(System.getenv("PATH"), "").split(File.pathSeparator)));
        dirs.add("/usr/bin");
        return dirs.stream().filter(dir -> !dir.isBlank()).map(dir -> Path.of(dir, name)).filter(Files::isExecutable)
                .filter(Files::isRegularFile).findFirst();
    }
}
