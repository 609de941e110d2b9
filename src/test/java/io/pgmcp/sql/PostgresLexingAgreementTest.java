package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import org.postgresql.util.PSQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks our decoding against a real PostgreSQL when {@code PG_MCP_TEST_URL} names one (a JDBC URL
 * with credentials); skipped otherwise. For each tricky literal and name, the server's reading of the
 * source, its reading of our executable text, and our decoded value must all agree.
 */
class PostgresLexingAgreementTest {

    private static Connection connection;

    @BeforeAll
    static void connect() throws SQLException {
        String url = System.getenv("PG_MCP_TEST_URL");
        Assumptions.assumeTrue(url != null && !url.isBlank(), "PG_MCP_TEST_URL not set");
        connection = DriverManager.getConnection(url);
        try (Statement s = connection.createStatement()) {
            s.execute("SET standard_conforming_strings = on");
        }
    }

    @AfterAll
    static void disconnect() throws SQLException {
        if (connection != null) {
            connection.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "'it''s'", "'C:\\dir\\'", "E'\\''", "E'\\\\'", "E'\\f\\n\\r\\t\\v\\q'", "E'\\101\\1028\\x41\\x4aZ\\xg'",
            "E'\\xC3\\xA9\\303\\251'", "E'\\u00e9\\U0001F600\\uD83D\\uDE00'", "E'a\\\nb'", "e'x'''",
            "U&'d\\0061t\\+000061'", "U&'d!0061t' UESCAPE '!'", "U&'a\\\\b\\D83D\\DE00'", "U&'x' UESCAPE $$#$$",
            "U&'!0041'\n'!0042' UESCAPE '!'", "$$it's$$", "$fn$ $$ ' \\ $fn$", "$é$x$é$", "'a' -- c\n 'b'\r\n'c'",
            "E'\\x41'\n'\\x42'", "N'abc'", "'a\u200Bb\u00A0c'", "'\uD83D\uDE00'", "'/* -- ;'"})
    void literalReadsTheSameInSourceExecutableAndLexer(String literal) throws Exception {
        LexedStatement lexed = Lexer.analyse("SELECT " + literal);
        String ours = lexed.literalToken(0).value();
        assertEquals(ours, selectString("SELECT (" + literal + ")::text"), "server vs lexer for " + literal);
        assertEquals(ours, selectString("SELECT (" + lexed.literal(0) + ")::text"), "executable " + lexed.literal(0));
        assertEquals(ours, selectString(lexed.executableSql().replaceFirst("^SELECT ", "SELECT (") + ")::text"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PASSWORD_HASH", "\"MiXeD\"", "\"a\"\"b\"", "U&\"\\0070assword\"",
            "U&\"d!0022t\" UESCAPE '!'",
            "ÉCOLE", "a$b$c", "café", "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\""})
    void nameReadsTheSameInSourceExecutableAndLexer(String name) throws Exception {
        LexedStatement lexed = Lexer.analyse("SELECT 1 AS " + name);
        String ours = lexed.tokens().get(3).value();
        assertEquals(ours, columnLabel("SELECT 1 AS " + name), "server vs lexer for " + name);
        assertEquals(ours, columnLabel(lexed.executableSql()), "executable " + lexed.executableSql());
    }

    /** Seeded random literals: whenever we accept one, the server must read the value we decoded. */
    @Test
    void randomLiteralsWeAcceptReadTheSameOnTheServer() throws SQLException {
        String[] prefixes = {"", "E", "e", "U&", "N", "$$", "$q$"};
        String[] pieces = {"a", "'", "''", "\\", "\\'", "\\x4", "\\x41", "\\xC3\\xA9", "\\101", "\\0", "\\u00e9",
                "\\uD83D\\uDE00", "\\U0001F600", "\\+01F600", "\\0041", "!0041", "\\n", "\n", "é", "\u200B", "$", "$q",
                "\"", "--", "/*", "x", "7", "\\\\"};
        Random random = new Random(42L);
        int agreed = 0;
        int driverMisreads = 0;
        for (int round = 0; round < 3_000; round++) {
            String prefix = prefixes[random.nextInt(prefixes.length)];
            StringBuilder body = new StringBuilder();
            for (int i = random.nextInt(6); i > 0; i--) {
                body.append(pieces[random.nextInt(pieces.length)]);
            }
            String close = prefix.startsWith("$") ? prefix : "'";
            String open = prefix.startsWith("$") ? prefix : prefix + "'";
            String uescape = prefix.equals("U&") && random.nextBoolean() ? " UESCAPE '!'" : "";
            String literal = open + body + close + uescape;
            LexedStatement lexed;
            try {
                lexed = Lexer.analyse("SELECT " + literal);
            } catch (LexerException e) {
                continue;
            }
            if (lexed.tokens().size() != 2 || lexed.literalToken(0).end() != literal.length() + 7) {
                continue; // the body closed the literal early: a different statement, not this check's concern
            }
            String ours = lexed.literalToken(0).value();
            assertEquals(ours, selectString("SELECT (" + lexed.literal(0) + ")::text"), "executable of " + literal);
            try {
                assertEquals(ours, selectString("SELECT (" + literal + ")::text"), "server vs lexer for " + literal);
                agreed++;
            } catch (PSQLException e) {
                if (e.getServerErrorMessage() != null) {
                    throw e; // the server rejected what we accepted
                }
                driverMisreads++; // pgjdbc's own lexer failed on the source form (it misreads E'''\'' for one)
            }
        }
        assertTrue(agreed > 300, "too few literals accepted to mean anything: " + agreed);
        System.out.println(
                "random literals: " + agreed + " agreed, " + driverMisreads + " misread by pgjdbc in source form");
    }

    private static String selectString(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            String value = rs.getString(1);
            assertNotNull(value, sql);
            return value;
        }
    }

    private static String columnLabel(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.getMetaData().getColumnLabel(1);
        }
    }
}
