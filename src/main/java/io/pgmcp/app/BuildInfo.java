package io.pgmcp.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code pg-mcp --version} reports, as recorded at build time by {@code jlink/BuildInfo.java}
 * into {@code io/pgmcp/app/build-info.properties}.
 *
 * @param version the project version, e.g. {@code 0.1.0}
 * @param commit  the full git commit id the jar was built from, with {@code -dirty} when tracked files
 *                differed from it, or {@code unknown} (built without git, e.g. from a source tarball)
 * @param jdk     the JDK that compiled the jar and linked the image (the runtime inside it), e.g.
 *                {@code 25.0.3+9-LTS Temurin}, or {@code unknown}
 */
record BuildInfo(String version, String commit, String jdk) {
    static final String RESOURCE = "build-info.properties";
    private static final String UNKNOWN = "unknown";
    private static final Pattern COMMIT = Pattern.compile("([0-9a-f]{40,64})(-dirty)?");

    BuildInfo {
        for (String value : new String[]{version, commit, jdk}) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(
                        "version, commit and jdk must be given: " + version + ", " + commit + ", " + jdk);
            }
        }
        if (!commit.equals(UNKNOWN) && !COMMIT.matcher(commit).matches()) {
            throw new IllegalArgumentException(
                    "commit must be a git commit id (with -dirty) or 'unknown', not '" + commit + "'");
        }
    }

    /**
     * The build's record from the class path; without one (classes compiled outside Maven) the jar
     * manifest's version, or {@code dev}, and {@code unknown} commit and JDK.
     *
     * @throws IllegalStateException if the resource is there but unreadable or lacks a key: a broken build
     */
    static BuildInfo load() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                String manifest = BuildInfo.class.getPackage().getImplementationVersion();
                return new BuildInfo(manifest == null ? "dev" : manifest, UNKNOWN, UNKNOWN);
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " from the class path", e);
        }
    }

    static BuildInfo parse(InputStream in) throws IOException {
        Properties properties = new Properties();
        properties.load(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
        String version = properties.getProperty("version");
        String commit = properties.getProperty("commit");
        String jdk = properties.getProperty("jdk");
        if (version == null || commit == null || jdk == null) {
            throw new IllegalStateException(
                    RESOURCE + " needs version, commit and jdk; it has " + properties.stringPropertyNames());
        }
        return new BuildInfo(version, commit, jdk);
    }

    /** The commit as people quote it: the first 7 digits (and {@code -dirty}), or {@code unknown}. */
    String shortCommit() {
        Matcher m = COMMIT.matcher(commit);
        if (!m.matches()) {
            return commit;
        }
        return m.group(1).substring(0, 7) + (m.group(2) == null ? "" : m.group(2));
    }

    /** {@code pg-mcp 0.1.0 (commit 4fdbc28, built with JDK 25.0.3+9-LTS Temurin)}. */
    String versionLine() {
        return "pg-mcp " + version + " (commit " + shortCommit() + ", built with JDK " + jdk + ")";
    }
}
