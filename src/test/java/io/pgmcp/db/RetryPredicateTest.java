package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Which database failures are worth another attempt: broken connections and conflicts, never timeouts or SQL errors. */
class RetryPredicateTest {

    @ParameterizedTest
    @ValueSource(strings = {"08000", "08001", "08003", "08006", "08007", "57P01", "57P02", "57P03", "40001", "40P01"})
    void retriesConnectionFailuresAndConflicts(String sqlState) {
        assertTrue(SqlFailure.isRetryable(new SQLException("x", sqlState)), sqlState);
    }

    @ParameterizedTest
    @ValueSource(strings = {"57014", "55P03", "42601", "42P01", "23505", "25006", "42501", "28P01", "3D000", "53300",
            "22012", "XX000", ""})
    void doesNotRetryTimeoutsSqlErrorsOrRefusedLogins(String sqlState) {
        assertFalse(SqlFailure.isRetryable(new SQLException("x", sqlState.isEmpty() ? null : sqlState)), sqlState);
    }

    @Test
    void retriesAResetSocketWhateverTheState() {
        assertTrue(
                SqlFailure.isRetryable(new SQLException("I/O error", null, new SocketException("Connection reset"))));
    }

    @Test
    void doesNotRetryALinkThatStayedSilentForTheWholeCall() {
        SQLException stalled = new SQLException("An I/O error occurred while sending to the backend.", "08006",
                new SocketTimeoutException("Read timed out"));
        assertTrue(SqlFailure.isConnectionClass(stalled), "it is a broken connection");
        assertFalse(SqlFailure.isRetryable(stalled), "but a timeout: retrying would double the wait");
    }

    @Test
    void doesNotRetryABusyPoolADownDatabaseOrACancellation() {
        assertFalse(SqlFailure
                .isRetryable(new PoolTimeoutException("main", Duration.ofSeconds(1), new PoolStats(2, 0, 2, 3))));
        Availability.Down down = new Availability.Down(Instant.EPOCH, Duration.ZERO,
                SqlFailure.of(new SQLException("refused", "08001"), false), Duration.ofSeconds(1), 0);
        assertFalse(SqlFailure.isRetryable(new DatabaseDownException("main", down, null)));
        assertFalse(SqlFailure.isRetryable(new Database.CancelledException(new SQLException("cancelled", "57014"))));
    }
}
