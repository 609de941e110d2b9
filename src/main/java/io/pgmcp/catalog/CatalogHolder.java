package io.pgmcp.catalog;

import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.db.Database;
import io.pgmcp.db.DatabaseException;
import io.pgmcp.db.SqlFailure;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The catalog of one database as of its last successful load, swapped atomically by {@link #refresh},
 * and the failure of the last load when it failed. Loads run through the database's read-only calls
 * (with their retries and down marking). Thread-safe.
 */
public final class CatalogHolder {
    private final Database database;
    private final CatalogLoader loader;
    private final Set<String> systemSchemas;
    private final InstantSource clock;
    private final AtomicReference<Catalog> catalog = new AtomicReference<>();
    private final AtomicReference<Failure> lastFailure = new AtomicReference<>();
    /** The load under way that started last, for {@link #loaded} to wait for instead of loading again. */
    private final AtomicReference<CompletableFuture<Catalog>> underWay = new AtomicReference<>();

    /** Why the catalog could not be loaded, and when. */
    public record Failure(Instant at, SqlFailure failure) {}

    /**
     * @param systemSchemas system schemas the catalog loads too, because the access policy allows them
     * @param clock         stamps load failures
     */
    public CatalogHolder(Database database, CatalogLoader loader, Set<String> systemSchemas, InstantSource clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.systemSchemas = Set.copyOf(systemSchemas);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The system schemas a database's catalog loads: pg_catalog and information_schema, only when its policy allows them. */
    public static Set<String> systemSchemas(DatabaseConfig db) {
        Set<String> schemas = new LinkedHashSet<>();
        for (String schema : db.accessPolicy().allowedSchemas()) {
            String lower = schema.toLowerCase(Locale.ROOT);
            if (lower.equals("pg_catalog") || lower.equals("information_schema")) {
                schemas.add(lower);
            }
        }
        return schemas;
    }

    /** The database whose catalog this is. */
    public Database database() {
        return database;
    }

    /** The catalog, once loaded; empty while the database has never been reached. */
    public Optional<Catalog> current() {
        return Optional.ofNullable(catalog.get());
    }

    /** The failure of the last catalog load, cleared by a successful one. */
    public Optional<Failure> lastFailure() {
        return Optional.ofNullable(lastFailure.get());
    }

    /**
     * Loads the catalog and swaps it in, unless a load that finished later was swapped in first (two
     * loads can run at once: the background one and a call's own); on failure the previous catalog stays
     * and the failure is kept.
     *
     * @return the catalog now held: the one loaded, or the newer one already there
     * @throws DatabaseException the load's failure
     */
    public Catalog refresh(Duration timeout) throws DatabaseException {
        CompletableFuture<Catalog> load = new CompletableFuture<>();
        underWay.set(load);
        try {
            Catalog loaded = database.read(timeout, List.of("pg_catalog"),
                    session -> loader.load(session, database.name(), systemSchemas));
            Catalog held = catalog.accumulateAndGet(loaded, CatalogHolder::newer);
            lastFailure.set(null);
            load.complete(held);
            return held;
        } catch (DatabaseException e) {
            lastFailure.set(new Failure(clock.instant(), SqlFailure.of(e, false)));
            load.completeExceptionally(e);
            throw e;
        } catch (RuntimeException | Error e) {
            load.completeExceptionally(e);
            throw e;
        } finally {
            underWay.compareAndSet(load, null);
        }
    }

    /**
     * The catalog held; before the first load has succeeded, the load under way (the background one at
     * start-up), waited for up to {@code timeout}, rather than a second load beside it (which on a cold
     * process doubles the work on the CPU both need); a load of its own when none is under way, or when the
     * one waited for failed or did not finish in time (so that a call still gets its own attempt, as
     * before).
     *
     * @throws DatabaseException its own load's failure
     */
    public Catalog loaded(Duration timeout) throws DatabaseException {
        Catalog held = catalog.get();
        if (held != null) {
            return held;
        }
        CompletableFuture<Catalog> load = underWay.get();
        if (load != null) {
            try {
                return load.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // an attempt of its own follows
            }
        }
        return refresh(timeout);
    }

    /**
     * Of the catalog held and one just loaded, the one to hold: the later load. The catalog held only ever
     * moves forward, so that what is kept per catalog (the guard's verdicts) can tell a replaced catalog from
     * the current one by its load time.
     */
    static Catalog newer(Catalog held, Catalog loaded) {
        return held == null || !loaded.loadedAt().isBefore(held.loadedAt()) ? loaded : held;
    }
}
