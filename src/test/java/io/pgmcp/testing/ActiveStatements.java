package io.pgmcp.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/** Watches {@code pg_stat_activity} from a test's own connection: is a statement running, or gone? */
public final class ActiveStatements {
    private ActiveStatements() {}

    /**
     * Waits (at most 30 s; the database does the waiting) until exactly {@code count} active statements
     * of other sessions contain {@code marker}.
     *
     * @return whether that happened in time
     */
    public static boolean await(Connection watcher, String marker, int count) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (PreparedStatement running = watcher.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                + " WHERE query LIKE ? AND state = 'active' AND pid <> pg_backend_pid()");
                PreparedStatement pause = watcher.prepareStatement("SELECT pg_sleep(0.05)")) {
            running.setString(1, "%" + marker + "%");
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = running.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == count) {
                        return true;
                    }
                }
                pause.execute();
            }
        }
        return false;
    }
}
