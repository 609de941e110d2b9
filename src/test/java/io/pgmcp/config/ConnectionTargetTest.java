package io.pgmcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectionTargetTest {
    @Test
    void buildsJdbcUrlWithoutCredentials() {
        ConnectionTarget target = new ConnectionTarget("db.example", 6432, "sales", Optional.of("ro"),
                Optional.of(new Secret("pw")), SslMode.VERIFY_FULL);

        assertEquals("jdbc:postgresql://db.example:6432/sales?sslmode=verify-full", target.jdbcUrl());
        assertEquals("db.example:6432/sales", target.displayTarget());
    }

    @Test
    void encodesTheDatabaseNameAndBracketsIpv6() {
        ConnectionTarget target = new ConnectionTarget("::1", 5432, "my db/x", Optional.empty(), Optional.empty(),
                SslMode.PREFER);

        assertEquals("jdbc:postgresql://[::1]:5432/my+db%2Fx?sslmode=prefer", target.jdbcUrl());
        assertEquals("[::1]:5432/my db/x", target.displayTarget());
    }

    @Test
    void parsesAFullUrl() {
        ConnectionTarget target = ConnectionTarget
                .parse("postgresql://ro:s3cret@db.example:6432/sales?sslmode=require");

        assertEquals("db.example", target.host());
        assertEquals(6432, target.port());
        assertEquals("sales", target.dbname());
        assertEquals(Optional.of("ro"), target.user());
        assertEquals("s3cret", target.password().orElseThrow().reveal());
        assertEquals(SslMode.REQUIRE, target.sslMode());
    }

    @Test
    void percentDecodesUserPasswordAndDatabase() {
        ConnectionTarget target = ConnectionTarget.parse("postgres://us%40er:p%40ss%3Aw%2Fo%25rd%20%C3%A9@h/d%20b");

        assertEquals("us@er", target.user().orElseThrow());
        assertEquals("p@ss:w/o%rd é", target.password().orElseThrow().reveal());
        assertEquals("d b", target.dbname());
    }

    @Test
    void keepsAPlusSignLiteral() {
        assertEquals("a+b", ConnectionTarget.parse("postgresql://u:a+b@h/d").password().orElseThrow().reveal());
    }

    @Test
    void splitsUserInfoAtTheLastAt() {
        ConnectionTarget target = ConnectionTarget.parse("postgresql://u:p@ss@h/d");

        assertEquals("p@ss", target.password().orElseThrow().reveal());
        assertEquals("h", target.host());
    }

    @Test
    void defaultsPortAndSslModeAndCredentials() {
        ConnectionTarget target = ConnectionTarget.parse("postgresql://h/d");

        assertEquals(5432, target.port());
        assertEquals(SslMode.PREFER, target.sslMode());
        assertTrue(target.user().isEmpty());
        assertTrue(target.password().isEmpty());
    }

    @Test
    void parsesUserWithoutPasswordAndIpv6Host() {
        ConnectionTarget target = ConnectionTarget.parse("postgresql://ro@[2001:db8::1]:5433/d");

        assertEquals(Optional.of("ro"), target.user());
        assertTrue(target.password().isEmpty());
        assertEquals("2001:db8::1", target.host());
        assertEquals("jdbc:postgresql://[2001:db8::1]:5433/d?sslmode=prefer", target.jdbcUrl());
    }

    @Test
    void rejectsMalformedUrlsWithoutEchoingThem() {
        for (String url : new String[]{"mysql://u:pw@h/d", "postgresql://u:pw@h", "postgresql://u:pw@h/",
                "postgresql://u:pw@/d",
                "postgresql://u:pw@h:0/d", "postgresql://u:pw@h:99999/d", "postgresql://u:pw@h:x/d",
                "postgresql://u:pw%4@h/d", "postgresql://u:pw@h/d?application_name=pw",
                "postgresql://u:pw@h/d?sslmode=pw",
                "postgresql://u:pw@h1,h2/d", "postgresql://u:pw@[::1/d", "postgresql://u:pw@h/d#pw",
                "postgresql://u:pw@h!/d"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConnectionTarget.parse(url),
                    url);
            assertTrue(e.getMessage().startsWith("not a valid PostgreSQL URL: "), e.getMessage());
            assertFalse(e.getMessage().contains("pw"), url + " -> " + e.getMessage());
        }
    }

    @Test
    void rejectsAnInvalidHostInTheConstructor() {
        assertThrows(IllegalArgumentException.class, () -> ConnectionTarget.of("bad host", "d"));
        assertThrows(IllegalArgumentException.class, () -> ConnectionTarget.of("h", ""));
    }

    @Test
    void toStringHidesThePassword() {
        String text = ConnectionTarget.parse("postgresql://u:hunter2@h/d").toString();

        assertFalse(text.contains("hunter2"), text);
    }
}
