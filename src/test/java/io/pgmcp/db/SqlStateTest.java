package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/** One classification of SQLSTATEs and I/O causes, for queries and the audit table alike. */
class SqlStateTest {

    @Test
    void classesMatchEveryCodeInThemAndCodesOnlyThemselves() {
        assertTrue(SqlState.CONNECTION_EXCEPTION.matches("08006"));
        assertTrue(SqlState.DATA_EXCEPTION.matches("22012"));
        assertTrue(SqlState.QUERY_CANCELED.matches("57014"));
        assertFalse(SqlState.QUERY_CANCELED.matches("57P01"));
        assertFalse(SqlState.CONNECTION_EXCEPTION.matches(null));
    }

    @Test
    void connectionStatesAreClass08AndTheServerGoingAway() {
        for (String state : new String[]{"08000", "08001", "08003", "08006", "57P01", "57P02", "57P03"}) {
            assertTrue(SqlState.isConnectionState(state), state);
        }
        for (String state : new String[]{"57014", "40001", "28P01", "3D000", "XX000", ""}) {
            assertFalse(SqlState.isConnectionState(state), state);
        }
    }

    /**
     * The rule the two classifiers disagreed on (one took a SocketException underneath, the other any
     * IOException): any I/O failure under the driver means the link is gone — an end of stream or a TLS
     * failure is not a SocketException, and a call that met one cannot go on on that connection.
     */
    @Test
    void anyIoFailureUnderTheDriverIsAConnectionFailure() {
        for (IOException io : new IOException[]{new SocketException("Connection reset"), new EOFException(),
                new SSLException("handshake"), new SocketTimeoutException("Read timed out"),
                new IOException("broken pipe")}) {
            SQLException e = new SQLException("An I/O error occurred", "XX000", io);
            assertTrue(SqlState.isConnectionFailure(e), io.toString());
            assertTrue(SqlFailure.isConnectionClass(e), io.toString());
            assertEquals(SqlFailure.Kind.CONNECTION, SqlFailure.of(e, false).kind(), io.toString());
        }
        assertFalse(SqlState.isConnectionFailure(new SQLException("syntax error", "42601")));
        assertTrue(SqlState.isNetworkTimeout(new SQLException("x", "08006", new SocketTimeoutException())));
        assertFalse(SqlState.isNetworkTimeout(new SQLException("x", "08006", new SocketException())));
    }

    @Test
    void aWrappedFailureKeepsItsClassification() {
        DatabaseException wrapped = DatabaseException.of(new SQLException("terminating connection", "57P01"));
        assertTrue(SqlState.isConnectionFailure(wrapped));
        assertTrue(SqlFailure.isRetryable(wrapped));
        assertFalse(SqlFailure.isRetryable(DatabaseException.of(new SQLException("division by zero", "22012"))));
        assertTrue(SqlFailure.isRetryable(DatabaseException.of(new SQLException("could not serialize", "40001"))));
    }
}
