package io.pgmcp.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * SQL run once in a new test database, as one {@code Statement.execute}: it may hold many
 * statements, dollar-quoted bodies and comments, but nothing that refuses to run in a transaction
 * block ({@code VACUUM}, {@code CREATE INDEX CONCURRENTLY}). {@code location} names it in errors.
 */
public record SetupScript(String location, String sql) {

    public SetupScript {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(sql, "sql");
    }

    /** SQL given in the test itself. */
    public static SetupScript inline(String sql) {
        String firstLine = sql.strip().lines().findFirst().orElse("");
        String shown = firstLine.length() > 60 ? firstLine.substring(0, 60) + "..." : firstLine;
        return new SetupScript("inline SQL '" + shown + "'", sql);
    }

    /**
     * Reads a script from the test classpath (e.g. {@code io/pgmcp/guard/schema.sql}), else from a
     * file path, relative paths resolving against the working directory (the project directory
     * under Maven).
     *
     * @throws IllegalArgumentException if it is neither, naming where it looked
     * @throws UncheckedIOException if it exists but cannot be read
     */
    public static SetupScript load(String location) {
        String resource = location.startsWith("/") ? location.substring(1) : location;
        URL url = Thread.currentThread().getContextClassLoader().getResource(resource);
        try {
            if (url != null) {
                try (InputStream in = url.openStream()) {
                    return new SetupScript(location, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            Path file = Path.of(location).toAbsolutePath().normalize();
            if (Files.isRegularFile(file)) {
                return new SetupScript(location, Files.readString(file, StandardCharsets.UTF_8));
            }
            throw new IllegalArgumentException(
                    "Setup script '" + location + "' is neither on the test classpath nor a file ("
                            + file + " does not exist; working directory " + Path.of("").toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read setup script " + location, e);
        }
    }

    /**
     * SQL that creates each of {@code roles} as a NOLOGIN role unless it exists: roles belong to the whole
     * cluster, which the test classes share, so a second class (or run) finds them made.
     */
    public static String rolesIfMissing(String... roles) {
        StringBuilder names = new StringBuilder();
        for (String role : roles) {
            names.append(names.isEmpty() ? "" : ", ").append('\'').append(role.replace("'", "''")).append('\'');
        }
        return """
                DO $$
                DECLARE r text;
                BEGIN
                  FOREACH r IN ARRAY ARRAY[%s] LOOP
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
                      EXECUTE format('CREATE ROLE %%I NOLOGIN', r);
                    END IF;
                  END LOOP;
                END $$;
                """.formatted(names);
    }
}
