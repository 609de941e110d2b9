package io.pgmcp.db;

import java.io.IOException;
import java.sql.SQLException;
import org.postgresql.util.PSQLException;

/**
 * How much of a result pgjdbc may hold at once, so that memory stays bounded per call whatever PostgreSQL
 * sends. pgjdbc allocates every value of a row when the row arrives, before anything can look at it; its
 * {@code maxResultBuffer} connection property makes it count the data of each row from the row's header
 * and throw before allocating when the rows of one round trip (one fetch: the driver clears the count at
 * each Sync) would pass the limit. That limit is {@link #driverLimit}: twice {@code max_result_bytes} but
 * at least {@value #FLOOR} bytes, so that the catalog's reads and EXPLAIN's plan, which share the
 * connections, have room. Fetches are sized ({@link #firstFetch}, {@link #nextFetch}) so that rows that
 * could still be returned stay well below it.
 *
 * <p>When the limit trips, pgjdbc has read a row's header but not its values and goes on reading the
 * values as if they were messages: the connection is out of step with the server and must be closed,
 * never reused ({@link #exceeded} tells this failure).
 */
final class ResultBuffer {
    /** The least the driver may hold for one fetch: 16 MiB. */
    static final long FLOOR = 16L << 20;
    /** Rows per fetch at most. */
    static final int MAX_FETCH = 1000;

    private ResultBuffer() {}

    /** The {@code maxResultBuffer} for connections whose calls return at most {@code maxResultBytes} of JSON. */
    static long driverLimit(long maxResultBytes) {
        return Math.max(FLOOR, 2 * maxResultBytes);
    }

    /**
     * Rows to ask for in the first fetch: as many as can arrive, each as large as a row that could still be
     * returned (one and a half times its JSON size on the wire, at most, for every type but json's
     * whitespace), without passing the driver's limit; at most {@code maxRows + 1} and {@value #MAX_FETCH}.
     */
    static int firstFetch(int maxRows, long maxResultBytes) {
        long fit = driverLimit(maxResultBytes) / (maxResultBytes + maxResultBytes / 2 + 1024);
        return (int) Math.max(1, Math.min(fit, Math.min(maxRows + 1L, MAX_FETCH)));
    }

    /**
     * Rows to ask for in a later fetch, once the largest row so far took {@code largestRowJson} bytes of JSON:
     * rows twice as large (on the wire) still fit the driver's limit.
     */
    static int nextFetch(long maxResultBytes, long largestRowJson) {
        long fit = driverLimit(maxResultBytes) / (3 * largestRowJson + 128);
        return (int) Math.max(1, Math.min(fit, MAX_FETCH));
    }

    /**
     * Whether {@code e} is pgjdbc refusing a fetch past {@code maxResultBuffer}: SQLSTATE 08S01 (pgjdbc's
     * communication error, which it raises during a query for nothing else), raised by the driver itself
     * (no server message) and not for a failed socket (no I/O exception under it).
     */
    static boolean exceeded(SQLException e) {
        if (!(e instanceof PSQLException psql) || psql.getServerErrorMessage() != null
                || !"08S01".equals(e.getSQLState())) {
            return false;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return false;
            }
        }
        return true;
    }
}
