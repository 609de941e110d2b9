package io.pgmcp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** What the Keycloak fixture decides before and around a server, tested without one. */
class KeycloakWithoutServerTest {

    private static final Optional<Path> BASH = Optional.of(Path.of("/bin/bash"));
    private static final Optional<Path> JDK = Optional.of(Path.of("/opt/jdk-25"));
    private static final OptionalLong PLENTY = OptionalLong.of(8L << 30);

    @TempDir
    Path repository;

    @Test
    void missingZipIsReportedWithTheCommandThatFetchesIt() {
        String reason = unavailable(KeycloakDistribution.find(repository, BASH, JDK, PLENTY));
        assertTrue(reason.contains(KeycloakDistribution.zipIn(repository).toString()), reason);
        assertTrue(reason.contains("dependency:get -Dartifact=org.keycloak:keycloak-quarkus-dist:26.7.3:zip"), reason);
    }

    @Test
    void missingJdkIsReported() throws IOException {
        placeZip();
        String reason = unavailable(KeycloakDistribution.find(repository, BASH, Optional.empty(), PLENTY));
        assertTrue(reason.contains("JDK 21 or newer"), reason);
    }

    @Test
    void missingBashIsReported() throws IOException {
        placeZip();
        String reason = unavailable(KeycloakDistribution.find(repository, Optional.empty(), JDK, PLENTY));
        assertTrue(reason.contains("bash"), reason);
    }

    @Test
    void tooLittleMemoryIsReportedWithTheAmounts() throws IOException {
        placeZip();
        String reason = unavailable(KeycloakDistribution.find(repository, BASH, JDK, OptionalLong.of(700L << 20)));
        assertTrue(reason.contains("1024 MiB") && reason.contains("only 700 MiB"), reason);
    }

    @Test
    void unknownMemoryDoesNotRefuse() throws IOException {
        Path zip = placeZip();
        var result = KeycloakDistribution.find(repository, BASH, JDK, OptionalLong.empty());
        KeycloakDistribution distribution = assertInstanceOf(KeycloakDistribution.Result.Available.class, result)
                .distribution();
        assertEquals(zip, distribution.zip());
        assertEquals(JDK.get(), distribution.javaHome());
    }

    @Test
    void readsTheFeatureVersionFromAJdksReleaseFile(@TempDir Path jdk) throws IOException {
        assertEquals(OptionalInt.empty(), KeycloakDistribution.javaFeature(jdk));
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.3\"\n");
        assertEquals(OptionalInt.of(25), KeycloakDistribution.javaFeature(jdk));
    }

    @Test
    void foundJdkIsAtLeast21() {
        KeycloakDistribution.findJdk().ifPresent(home -> assertTrue(
                KeycloakDistribution.javaFeature(home).orElseThrow() >= 21, home.toString()));
    }

    @Test
    void recognisesKeycloaksBindFailureForItsOwnPortOnly() {
        // as Keycloak 26.7.3 logs it (exit status 1) when --http-port is already bound
        String log = """
                2026-12-03 15:13:38,890 ERROR [org.keycloak.quarkus.runtime.cli.ExecutionExceptionHandler] (main) \
                ERROR: io.quarkus.runtime.QuarkusBindException: Port already bound: 60321: Address already in use
                2026-12-03 15:13:38,890 ERROR [org.keycloak.quarkus.runtime.cli.ExecutionExceptionHandler] (main) \
                ERROR: Port already bound: 60321: Address already in use
                """;
        assertTrue(Keycloak.portTaken(log, 60321));
        assertFalse(Keycloak.portTaken(log, 6032));
        assertFalse(Keycloak.portTaken("ERROR: Failed to start server in (development) mode", 60321));
    }

    @Test
    void ciFetchesTheVersionTheFixtureLooksFor() throws IOException {
        String ci = Files.readString(Path.of(".ci", "run"));
        String fetch = KeycloakDistribution.FETCH_COMMAND.substring("./mvnw ".length());
        assertTrue(ci.contains(fetch), ".ci/run does not run: " + fetch);
    }

    @Test
    void earlyStartRecognisesPlansWithAKeycloakFixture() {
        assertTrue(KeycloakEarlyStart.usesKeycloak(plan(KeycloakTest.class)));
        assertTrue(KeycloakEarlyStart.usesKeycloak(plan(ProcessTreeTest.class, KeycloakTest.class)));
        assertFalse(KeycloakEarlyStart.usesKeycloak(plan(ProcessTreeTest.class)));
        assertFalse(KeycloakEarlyStart.usesKeycloak(plan(KeycloakWithoutServerTest.class)));
    }

    @Test
    void earlyStartIsRegisteredWithTheLauncher() {
        assertTrue(ServiceLoader.load(TestExecutionListener.class).stream()
                .anyMatch(provider -> provider.type() == KeycloakEarlyStart.class));
    }

    private static TestPlan plan(Class<?>... classes) {
        return LauncherFactory.create().discover(LauncherDiscoveryRequestBuilder.request()
                .selectors(Arrays.stream(classes).map(DiscoverySelectors::selectClass).toList()).build());
    }

    private Path placeZip() throws IOException {
        Path zip = KeycloakDistribution.zipIn(repository);
        Files.createDirectories(zip.getParent());
        Files.write(zip, new byte[]{0x50, 0x4b, 0x05, 0x06});
        return zip;
    }

    private static String unavailable(KeycloakDistribution.Result result) {
        return assertInstanceOf(KeycloakDistribution.Result.Unavailable.class, result).reason();
    }
}
