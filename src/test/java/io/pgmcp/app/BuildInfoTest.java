package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The build record behind {@code --version}: parsing, the short commit, and what Main prints. */
class BuildInfoTest {
    private static final String COMMIT = "4fdbc28433c890cf1175de5bdbe7031d633736c1";

    private static BuildInfo parse(String text) throws Exception {
        return BuildInfo.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void printsVersionShortCommitAndJdk() throws Exception {
        BuildInfo info = parse("version=0.1.0\ncommit=" + COMMIT + "\njdk=25.0.3+9-LTS Temurin\n");
        assertEquals("pg-mcp 0.1.0 (commit 4fdbc28, built with JDK 25.0.3+9-LTS Temurin)", info.versionLine());
    }

    @Test
    void saysDirtyWhenBuiltFromAChangedTree() throws Exception {
        BuildInfo info = parse("version=0.1.0\ncommit=" + COMMIT + "-dirty\njdk=25 X\n");
        assertEquals("4fdbc28-dirty", info.shortCommit());
    }

    @Test
    void saysCommitUnknownWithoutGit() throws Exception {
        BuildInfo info = parse("version=0.1.0\ncommit=unknown\njdk=25.0.3+9-LTS Temurin\n");
        assertEquals("pg-mcp 0.1.0 (commit unknown, built with JDK 25.0.3+9-LTS Temurin)", info.versionLine());
    }

    @Test
    void rejectsARecordWithoutTheJdk() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> parse("version=0.1.0\ncommit=unknown\n"));
        assertTrue(e.getMessage().contains("needs version, commit and jdk"), e.getMessage());
    }

    @Test
    void rejectsACommitThatIsNoCommitId() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("version=0.1.0\ncommit=main\njdk=25\n"));
        assertTrue(e.getMessage().contains("'main'"), e.getMessage());
    }

    @Test
    void mainPrintsTheBuildRecordOfThisBuild() {
        // the Maven build writes the record (generate-resources) with the toolchain JDK that also runs the tests
        assertTrue(BuildInfo.class.getResource(BuildInfo.RESOURCE) != null,
                "build-info.properties is on the class path");
        BuildInfo build = BuildInfo.load();
        assertTrue(build.jdk().startsWith(System.getProperty("java.runtime.version") + " "), build.jdk());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"--version"}, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Map.of());
        assertEquals(0, code);
        assertEquals(build.versionLine(), out.toString(StandardCharsets.UTF_8).strip());
    }
}
