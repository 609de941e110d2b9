package io.pgmcp.testing;

import static io.pgmcp.testing.TestPostgresTest.queryText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalClusterTest {

    @Test
    void restartKeepsTheClusterUsable() throws SQLException {
        Path directory;
        try (TestPostgres postgres = TestPostgres.startIsolated()) {
            directory = ((LocalCluster) postgres.server()).directory();
            int port = postgres.port();
            TestDatabase database = postgres.createDatabase("LocalClusterTest",
                    "CREATE TABLE kept(id int); INSERT INTO kept VALUES (1);");
            try (Connection before = database.connect()) {
                postgres.restart();

                assertThrows(SQLException.class, () -> queryText(before, "SELECT 1"), "sessions end with the restart");
            }
            try (Connection after = database.connect()) {
                assertEquals("1", queryText(after, "SELECT count(*) FROM kept"));
            }
            assertEquals(port, postgres.port());
        }
        assertFalse(Files.exists(directory), "closing deletes the cluster's directory");
    }

    @Test
    void reapsClustersWhoseJvmIsGone(@TempDir Path parent) throws Exception {
        Optional<PostgresBinaries> binaries = PostgresBinaries.find();
        assumeTrue(binaries.isPresent(), "needs local binaries");
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        Path orphan = Files.createDirectories(parent.resolve(LocalCluster.DIRECTORY_PREFIX + "orphan"));
        Files.writeString(orphan.resolve("owner.pid"), Long.toString(finished.pid()));
        Path live = Files.createDirectories(parent.resolve(LocalCluster.DIRECTORY_PREFIX + "live"));
        Files.writeString(live.resolve("owner.pid"), Long.toString(ProcessHandle.current().pid()));
        Path starting = Files.createDirectories(parent.resolve(LocalCluster.DIRECTORY_PREFIX + "starting"));

        LocalCluster.reapOrphans(parent, binaries.get());

        assertFalse(Files.exists(orphan));
        assertTrue(Files.exists(live));
        assertTrue(Files.exists(starting), "a directory without owner.pid may be one being created");
    }

    @Test
    void deletesDirectoryTreesRecursively(@TempDir Path parent) throws IOException {
        Path tree = Files.createDirectories(parent.resolve("a/b/c"));
        Files.writeString(tree.resolve("file"), "x");

        LocalCluster.deleteRecursively(parent.resolve("a"));

        assertFalse(Files.exists(parent.resolve("a")));
    }
}
