package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code evasion} and {@code multi_statement} entries of the guard corpus
 * ({@code src/test/resources/io/pgmcp/guard/sql-guard-corpus.jsonl}): the lexer either rejects them or produces a skeleton in
 * which the real structure is plain to the parser. Most evasions are rejected later (by the parser
 * allowlist or the access policy); what the lexer owes them is an honest skeleton.
 */
class GuardCorpusLexerTest {

    private static final String REJECT = null;

    /** id, sql, expected skeleton (or REJECT), and for rejections a fragment of the message. */
    static Stream<Arguments> corpus() {
        return Stream.of(
                Arguments.of("OK25", "SELECT name FROM products WHERE name <> 'x; DROP TABLE users; --'",
                        "SELECT name FROM products WHERE name <> 's0'"),
                Arguments.of("OK33",
                        "SELECT id FROM products /* outer /* nested */ still a comment; DELETE FROM orders; */"
                                + " LIMIT 1",
                        "SELECT id FROM products LIMIT 1"),
                Arguments.of("M02", "COMMIT; INSERT INTO products (name, price) VALUES ('evil', 666)", REJECT),
                Arguments.of("M03", "SELECT 1; DELETE FROM orders", REJECT),
                Arguments.of("M06", "SELECT id FROM products; SELECT password_hash FROM users", REJECT),
                Arguments.of("M07", "SET TRANSACTION READ WRITE; DELETE FROM orders", REJECT),
                Arguments.of("M08", "ABORT; SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; DELETE FROM orders",
                        REJECT),
                Arguments.of("E02", "-- just a select\nDELETE FROM orders WHERE id = 1",
                        "DELETE FROM orders WHERE id = 1"),
                Arguments.of("E03", "SELECT U&\"\\0070assword_hash\" FROM users",
                        "SELECT \"password_hash\" FROM users"),
                Arguments.of("E06", "SELECT PASSWORD_HASH FROM USERS", "SELECT PASSWORD_HASH FROM USERS"),
                Arguments.of("E08", "SELECT * FROM \"public\".\"user_credentials\"",
                        "SELECT * FROM \"public\".\"user_credentials\""),
                Arguments.of("E09", "SELECT * FROM Public.User_Credentials", "SELECT * FROM Public.User_Credentials"),
                Arguments.of("E16", "SELECT id, name FROM products -- harmless\nUNION ALL SELECT user_id, secret FROM"
                        + " user_credentials",
                        "SELECT id, name FROM products\nUNION ALL SELECT user_id, secret FROM user_credentials"),
                Arguments.of("E17", "EXPLAIN ANALYSE DELETE FROM orders", "EXPLAIN ANALYSE DELETE FROM orders"),
                Arguments.of("E18", "SELECT * FROM pg_catalog.pg_read_file('/etc/hostname')",
                        "SELECT * FROM pg_catalog.pg_read_file('s0')"),
                Arguments.of("E19", "SELECT \"pg_catalog\".\"pg_sleep\"(5)", "SELECT \"pg_catalog\".\"pg_sleep\"(5)"),
                Arguments.of("E21", "SELECT public.users.password_hash FROM public.users",
                        "SELECT public.users.password_hash FROM public.users"),
                Arguments.of("E25", "SELECT id FROM users WHERE id = 1 UNION (SELECT length(ssn) FROM users)",
                        "SELECT id FROM users WHERE id = 1 UNION (SELECT length(ssn) FROM users)"),
                Arguments.of("E27", "SELECT E'\\'' AS a; COMMIT; DROP TABLE orders; SELECT ' -- '", REJECT),
                Arguments.of("E29", "SELECT $x$ ' $x$ AS s; COMMIT; DROP TABLE orders; -- '", REJECT),
                Arguments.of("E30", "SELECT E'\\'', secret FROM user_credentials --'",
                        "SELECT 's0', secret FROM user_credentials"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void lexerSeesThroughCorpusAttack(String id, String sql, String expectedSkeleton) throws LexerException {
        if (expectedSkeleton == null) {
            LexerException e = assertThrows(LexerException.class, () -> Lexer.analyse(sql), id);
            assertTrue(e.getMessage().startsWith("multiple statements are not allowed"), e.getMessage());
            return;
        }
        LexedStatement s = Lexer.analyse(sql);
        assertEquals(expectedSkeleton, s.skeletonSql(), id);
        for (int i = 0; i < s.literalCount(); i++) {
            assertEquals(LexedStatement.placeholderValue(i), Lexer.tokenize(s.skeletonSql()).stream()
                    .filter(t -> t.kind() == TokenKind.STRING).toList().get(i).value());
        }
    }

    @Test
    void foldedNamesOfCaseEvasionsAreTheRealNames() throws LexerException {
        assertEquals(List.of("select", "password_hash", "from", "users"),
                Lexer.analyse("SELECT PASSWORD_HASH FROM USERS").tokens().stream().map(Token::value).toList());
        assertEquals(List.of("select", "*", "from", "public", ".", "user_credentials"),
                Lexer.analyse("SELECT * FROM Public.User_Credentials").tokens().stream().map(Token::value).toList());
    }

    /** Keeps the table above in step with the project's guard corpus. */
    @Test
    void everyEvasionAndMultiStatementEntryIsCovered() throws IOException {
        Path corpus = GuardCorpus.DIRECTORY.resolve("sql-guard-corpus.jsonl");
        Map<String, String> covered = corpus()
                .collect(Collectors.toMap(a -> (String) a.get()[0], a -> (String) a.get()[1], (a, b) -> a));
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> entries = Files.readAllLines(corpus).stream()
                .filter(line -> !line.isBlank())
                .map(line -> parse(json, line))
                .filter(e -> List.of("evasion", "multi_statement").contains(e.path("category").asText()))
                .toList();
        assertTrue(entries.size() >= 21, "expected at least 21 entries, found " + entries.size());
        for (JsonNode entry : entries) {
            String id = entry.path("id").asText();
            assertEquals(entry.path("sql").asText(), covered.get(id),
                    "corpus entry " + id + " is missing here or differs");
        }
    }

    private static JsonNode parse(ObjectMapper json, String line) {
        try {
            return json.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException("bad corpus line: " + line, e);
        }
    }
}
