package io.pgmcp.db;

/**
 * A snapshot of a pool's state, read at metric scrape time and written into error messages.
 *
 * @param total    connections open or being opened
 * @param idle     open and waiting to be lent
 * @param active   lent out
 * @param waiting  borrowers waiting for a connection
 */
public record PoolStats(int total, int idle, int active, int waiting) {
    @Override
    public String toString() {
        return "total=" + total + ", active=" + active + ", idle=" + idle + ", waiting=" + waiting;
    }
}
