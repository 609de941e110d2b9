package io.pgmcp.db;

import java.time.Duration;

/**
 * How a {@link ConnectionPool} sizes and ages its connections.
 *
 * @param name                 the database name, used in messages and metrics
 * @param minSize              connections kept open even when idle (0 allowed)
 * @param maxSize              the most connections open at once (1 or more)
 * @param acquireTimeout       how long a borrower may wait, in total, for a connection
 * @param maxLifetime          a connection is retired after this age (minus up to 2.5 % jitter, so
 *                             connections made together do not all retire together)
 * @param validateAfterIdle    an idle connection older than this is checked with {@code isValid}
 *                             before it is lent out
 * @param validationTimeout    the bound of that check
 * @param idleTimeout          idle connections beyond {@code minSize} are closed after this
 */
public record PoolSettings(String name, int minSize, int maxSize, Duration acquireTimeout, Duration maxLifetime,
        Duration validateAfterIdle, Duration validationTimeout, Duration idleTimeout) {

    public PoolSettings {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("pool name must not be blank");
        }
        if (maxSize < 1 || minSize < 0 || minSize > maxSize) {
            throw new IllegalArgumentException(
                    "pool '" + name + "': need 0 <= minSize <= maxSize and maxSize >= 1, got min="
                            + minSize + " max=" + maxSize);
        }
        for (Duration d : new Duration[]{acquireTimeout, maxLifetime, validateAfterIdle, validationTimeout,
                idleTimeout}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("pool '" + name + "': durations must be zero or positive");
            }
        }
    }

    /** Defaults for the given name and sizes: 10 s acquire, 30 min lifetime, validate after 1 s idle. */
    public static PoolSettings of(String name, int minSize, int maxSize) {
        return new PoolSettings(name, minSize, maxSize, Duration.ofSeconds(10), Duration.ofMinutes(30),
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMinutes(10));
    }

    public PoolSettings withAcquireTimeout(Duration timeout) {
        return new PoolSettings(name, minSize, maxSize, timeout, maxLifetime, validateAfterIdle, validationTimeout,
                idleTimeout);
    }

    public PoolSettings withMaxLifetime(Duration lifetime) {
        return new PoolSettings(name, minSize, maxSize, acquireTimeout, lifetime, validateAfterIdle, validationTimeout,
                idleTimeout);
    }
}
