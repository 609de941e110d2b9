package io.pgmcp.resilience;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * {@code min(initial · multiplier^(attempt-1) · (1 ± jitter), max)}: the first retry waits about
 * {@code initial}, each later one {@code multiplier} times longer. The jitter spreads clients that
 * failed together so they do not retry in lockstep.
 *
 * @param jitter the share of the delay added or removed at random, 0 (none) to 1
 * @param random the jitter source, called once per {@link #delay}; must be thread-safe when the
 *               backoff is shared ({@link java.util.Random} is)
 */
public record ExponentialBackoff(Duration initial, Duration max, double multiplier, double jitter,
        RandomGenerator random)
        implements
            Backoff {

    public ExponentialBackoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(random, "random");
        if (!initial.isPositive() || !max.isPositive()) {
            throw new IllegalArgumentException("delays must be positive, got initial " + initial + " and max " + max);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number of at least 1, got " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, got " + jitter);
        }
    }

    @Override
    public Duration delay(int attempt) {
        Backoff.checkAttempt(attempt);
        double nanos = initial.toNanos() * Math.pow(multiplier, attempt - 1);
        if (jitter > 0) {
            double spread = 2.0 * random.nextDouble() - 1.0; // [-1, 1)
            nanos *= 1.0 + jitter * spread;
        }
        long cap = max.toNanos();
        // Infinity and anything past the cap compare greater, so huge attempt numbers cannot overflow.
        return nanos >= cap ? max : Duration.ofNanos(Math.round(nanos));
    }

    @Override
    public String toString() {
        return "ExponentialBackoff[initial=" + initial + ", max=" + max + ", multiplier=" + multiplier
                + ", jitter=" + jitter + "]";
    }
}
