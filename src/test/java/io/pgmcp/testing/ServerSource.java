package io.pgmcp.testing;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Where the test PostgreSQL comes from, decided by {@link #choose} in this order:
 * {@code PG_MCP_TEST_URL}, local server binaries, Testcontainers, or nothing (with a message that
 * says what to install).
 */
sealed interface ServerSource {

    /** The image Testcontainers runs. */
    String DOCKER_IMAGE = "postgres:16";

    /** An existing server named by {@code PG_MCP_TEST_URL}. */
    record EnvironmentUrl(ServerUrl url) implements ServerSource {
        public EnvironmentUrl {
            Objects.requireNonNull(url, "url");
        }
    }

    /** A throwaway cluster made with local {@code initdb}/{@code pg_ctl}. */
    record LocalBinaries(PostgresBinaries binaries) implements ServerSource {
        public LocalBinaries {
            Objects.requireNonNull(binaries, "binaries");
        }
    }

    /** A throwaway container of {@code image}. */
    record Docker(String image) implements ServerSource {
        public Docker {
            Objects.requireNonNull(image, "image");
        }
    }

    /** Nothing to run PostgreSQL with; {@code message} says what to install. */
    record Unavailable(String message) implements ServerSource {
        public Unavailable {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * Decides where the test server comes from. Pure except for {@code dockerAvailable}, which is
     * consulted only when neither a URL nor binaries are given (asking Docker can take seconds).
     *
     * @param environmentUrl the value of {@code PG_MCP_TEST_URL}; blank counts as unset
     * @throws IllegalArgumentException if the URL is set but malformed: a wrong URL is a mistake
     *     to report, not a reason to silently test against something else
     */
    static ServerSource choose(Optional<String> environmentUrl, Optional<PostgresBinaries> binaries,
            BooleanSupplier dockerAvailable) {
        Optional<String> url = environmentUrl.filter(value -> !value.isBlank());
        if (url.isPresent()) {
            try {
                return new EnvironmentUrl(ServerUrl.parse(url.get()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("PG_MCP_TEST_URL is set but unusable: " + e.getMessage(), e);
            }
        }
        if (binaries.isPresent()) {
            return new LocalBinaries(binaries.get());
        }
        if (dockerAvailable.getAsBoolean()) {
            return new Docker(DOCKER_IMAGE);
        }
        return new Unavailable("""
                No PostgreSQL to test against: PG_MCP_TEST_URL is not set, there is no initdb/pg_ctl \
                on PATH or under %s/*/bin, and no Docker engine is reachable. Do one of: install \
                PostgreSQL server binaries (Debian/Ubuntu: apt-get install postgresql; Fedora: dnf \
                install postgresql-server; macOS: brew install postgresql@16), or start a Docker \
                engine (Testcontainers runs %s), or set PG_MCP_TEST_URL=postgresql://user:pass@host:5432/postgres \
                for a server where that user may CREATE DATABASE.""".formatted(PostgresBinaries.DEBIAN_ROOT,
                DOCKER_IMAGE));
    }
}
