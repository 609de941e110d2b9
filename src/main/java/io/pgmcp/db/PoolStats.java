package io.pgmcp.db;

/**
 * A snapshot of a pool's state, read at metric scrape time and written into error messages.
 *
 * @param total     connections open or being opened
 * @param idle      open and waiting to be lent
 * @param active    lent out, counting those being reset after their call
 * @param waiting   borrowers waiting for a connection
 * @param resetting of the active ones, those whose call is over and whose session is being reset
 */
public record PoolStats(int total, int idle, int active, int waiting, int resetting) {
    /** A state with no connection being reset. */
    public PoolStats(int total, int idle, int active, int waiting) {
        this(total, idle, active, waiting, 0);
    }

    @Override
    public String toString() {
        return "total=" + total + ", active=" + active + ", idle=" + idle + ", waiting=" + waiting
                + (resetting == 0 ? "" : ", resetting=" + resetting);
    }
}
