package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SQLSTATE alone decides the kind of a failure; the message text never does. */
class SqlFailureTest {

    @ParameterizedTest
    @CsvSource({
            "22012, DATA", "22P02, DATA", "22008, DATA", "22003, DATA", "2201E, DATA",
            "53200, RESOURCES", "53100, RESOURCES", "53400, RESOURCES", "54001, RESOURCES", "54000, RESOURCES",
            "53300, LOGIN_REJECTED", "42601, QUERY", "42703, QUERY", "42883, QUERY", "XX000, QUERY",
            "25006, READ_ONLY_VIOLATION", "42501, PERMISSION", "57014, TIMEOUT", "08006, CONNECTION"})
    void classifiesBySqlState(String sqlState, SqlFailure.Kind kind) {
        assertEquals(kind, SqlFailure.of(new SQLException("syntax error: out of memory", sqlState), false).kind(),
                sqlState);
    }
}
