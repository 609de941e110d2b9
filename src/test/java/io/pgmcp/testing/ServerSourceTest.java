package io.pgmcp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerSourceTest {

    private static final BooleanSupplier DOCKER_MUST_NOT_BE_ASKED = () -> fail("asked Docker although not needed");

    @TempDir
    Path root;
    private PostgresBinaries binaries;

    @BeforeEach
    void fakeBinaries() throws IOException {
        PostgresBinariesTest.fakeBinaries(root, "initdb", "pg_ctl");
        binaries = new PostgresBinaries(root);
    }

    @Test
    void prefersTheEnvironmentUrl() {
        ServerSource source = ServerSource.choose(Optional.of("postgresql://ci:pw@db:5432/postgres"),
                Optional.of(binaries), DOCKER_MUST_NOT_BE_ASKED);

        assertEquals(new ServerSource.EnvironmentUrl(new ServerUrl("db", 5432, "postgres", "ci", "pw")), source);
    }

    @Test
    void usesLocalBinariesWithoutAskingDocker() {
        ServerSource source = ServerSource.choose(Optional.of("  "), Optional.of(binaries), DOCKER_MUST_NOT_BE_ASKED);

        assertEquals(new ServerSource.LocalBinaries(binaries), source);
    }

    @Test
    void fallsBackToTestcontainers() {
        ServerSource source = ServerSource.choose(Optional.empty(), Optional.empty(), () -> true);

        assertEquals(new ServerSource.Docker("postgres:16"), source);
    }

    @Test
    void saysWhatToInstallWhenNothingIsAvailable() {
        ServerSource source = ServerSource.choose(Optional.empty(), Optional.empty(), () -> false);

        String message = assertInstanceOf(ServerSource.Unavailable.class, source).message();
        assertTrue(message.contains("apt-get install postgresql"), message);
        assertTrue(message.contains("Docker"), message);
        assertTrue(message.contains("PG_MCP_TEST_URL=postgresql://"), message);
        assertTrue(message.contains("/usr/lib/postgresql/*/bin"), message);
    }

    @Test
    void rejectsAMalformedUrlWithoutShowingItsPassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerSource.choose(
                Optional.of("mysql://ci:hunter2@db/x"), Optional.of(binaries), DOCKER_MUST_NOT_BE_ASKED));

        assertTrue(e.getMessage().startsWith("PG_MCP_TEST_URL is set but unusable"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }
}
