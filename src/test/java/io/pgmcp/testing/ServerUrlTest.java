package io.pgmcp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ServerUrlTest {

    @Test
    void parsesAPostgresqlUrlWithPercentEncodedCredentials() {
        ServerUrl url = ServerUrl.parse("postgresql://ad%40min:p%40ss%3Aw%2Frd+x@db.example:6543/tests");

        assertEquals(new ServerUrl("db.example", 6543, "tests", "ad@min", "p@ss:w/rd+x"), url);
    }

    @Test
    void parsesAJdbcUrlWithCredentialsInTheQuery() {
        ServerUrl url = ServerUrl
                .parse("jdbc:postgresql://localhost:5433/postgres?user=ci&password=s%26cret&sslmode=disable");

        assertEquals(new ServerUrl("localhost", 5433, "postgres", "ci", "s&cret"), url);
    }

    @Test
    void defaultsToPort5432AndThePostgresDatabase() {
        assertEquals(new ServerUrl("h", 5432, "postgres", "u", "p"), ServerUrl.parse("postgres://u:p@h"));
    }

    @Test
    void rejectsOtherSchemesAndMissingUsers() {
        assertThrows(IllegalArgumentException.class, () -> ServerUrl.parse("mysql://u:p@h/db"));
        assertThrows(IllegalArgumentException.class, () -> ServerUrl.parse("postgresql://h:5432/db"));
    }

    @Test
    void neverShowsThePassword() {
        assertFalse(ServerUrl.parse("postgresql://u:hunter2@h/db").toString().contains("hunter2"));
    }
}
