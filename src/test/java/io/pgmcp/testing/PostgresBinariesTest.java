package io.pgmcp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresBinariesTest {

    @TempDir
    Path root;

    @Test
    void takesTheHighestCompleteVersionUnderTheVersionsRoot() throws IOException {
        Path versions = root.resolve("postgresql");
        fakeBinaries(versions.resolve("9.6/bin"), "initdb", "pg_ctl");
        fakeBinaries(versions.resolve("13/bin"), "initdb", "pg_ctl");
        fakeBinaries(versions.resolve("15/bin"), "initdb", "pg_ctl");
        fakeBinaries(versions.resolve("16/bin"), "initdb"); // client-only install: no pg_ctl
        Files.createDirectories(versions.resolve("common"));

        Optional<PostgresBinaries> found = PostgresBinaries.find("", versions);

        assertEquals(Optional.of(new PostgresBinaries(versions.resolve("15/bin"))), found);
    }

    @Test
    void prefersBinariesOnThePath() throws IOException {
        Path versions = root.resolve("postgresql");
        fakeBinaries(versions.resolve("17/bin"), "initdb", "pg_ctl");
        Path onPath = root.resolve("opt/pg/bin");
        fakeBinaries(onPath, "initdb", "pg_ctl");

        Optional<PostgresBinaries> found = PostgresBinaries.find(root.resolve("empty") + ":" + onPath, versions);

        assertEquals(Optional.of(new PostgresBinaries(onPath)), found);
    }

    @Test
    void findsNothingWhereThereIsNothing() {
        assertTrue(PostgresBinaries.find(root.toString(), root.resolve("missing")).isEmpty());
    }

    static void fakeBinaries(Path dir, String... names) throws IOException {
        Files.createDirectories(dir);
        for (String name : names) {
            Path file = Files.writeString(dir.resolve(name), "#!/bin/sh\nexit 1\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
