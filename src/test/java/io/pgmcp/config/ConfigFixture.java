package io.pgmcp.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes config text into a test's temporary directory and loads it. */
final class ConfigFixture {
    static final String MINIMAL_DATABASE = """
            databases:
              - host: db.example
                dbname: app
            """;

    private final Path dir;
    private final Map<String, String> env;

    ConfigFixture(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = env;
    }

    ConfigFixture(Path dir) {
        this(dir, Map.of("HOME", "/home/tester"));
    }

    Path write(String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    LoadedConfig load(String yaml) throws ConfigException {
        return new ConfigLoader(env).load(write("config.yaml", yaml));
    }

    /** Loads text expected to be invalid and returns its errors. */
    List<String> errors(String yaml) {
        return assertThrows(ConfigException.class, () -> load(yaml)).errors();
    }
}
