package io.pgmcp.db;

import java.sql.SQLTransientConnectionException;

/** No connection became available before the borrower's deadline; the message carries the pool state. */
public final class PoolTimeoutException extends SQLTransientConnectionException {
    private static final long serialVersionUID = 1L;

    PoolTimeoutException(String message, Throwable cause) {
        super(message, "08001", cause);
    }
}
