package io.pgmcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VariableExpansionTest {
    @TempDir
    Path dir;

    private ConfigFixture withEnv(Map<String, String> env) {
        return new ConfigFixture(dir, env);
    }

    @Test
    void expandsVariablesInsideStrings() throws ConfigException {
        DatabaseConfig db = withEnv(Map.of("DB_HOST", "db.internal", "DB_NAME", "sales"))
                .load("databases: [{host: \"${DB_HOST}\", dbname: \"${DB_NAME}_ro\", user: \"u-${DB_NAME}\"}]\n")
                .config().databases().getFirst();

        assertEquals("db.internal", db.host());
        assertEquals("sales_ro", db.dbname());
        assertEquals("u-sales", db.user().orElseThrow());
    }

    @Test
    void usesTheDefaultWhenTheVariableIsUnsetOrEmpty() throws ConfigException {
        String yaml = "databases: [{host: \"${DB_HOST:-localhost}\", dbname: \"${DB_NAME:-app}\"}]\n";

        DatabaseConfig db = withEnv(Map.of("DB_NAME", "")).load(yaml).config().databases().getFirst();

        assertEquals("localhost", db.host());
        assertEquals("app", db.dbname());
    }

    @Test
    void keepsAnEmptyValueWithoutADefault() throws ConfigException {
        PgMcpConfig config = withEnv(Map.of("KEY", ""))
                .load(ConfigFixture.MINIMAL_DATABASE + "openai: {api_key: \"${KEY}\"}\n")
                .config();

        assertFalse(config.openai().apiKey().isPresent());
    }

    @Test
    void doubleDollarIsALiteral() throws ConfigException {
        DatabaseConfig db = withEnv(Map.of("X", "unused"))
                .load("databases: [{host: h, dbname: d, password: \"a$${X}b$$c$\"}]\n").config().databases().getFirst();

        assertEquals("a${X}b$$c$", db.password().orElseThrow().reveal());
    }

    @Test
    void reportsAnUnsetVariableNamingItAndThePath() {
        List<String> errors = withEnv(Map.of())
                .errors("databases: [{host: h, dbname: d, password: \"${DB_PASSWORD}\"}]\n");

        assertEquals(List.of("databases[0].password: environment variable DB_PASSWORD is not set"
                + " (use ${DB_PASSWORD:-default} to give a default)"), errors);
    }

    @Test
    void reportsEveryUnsetVariable() {
        List<String> errors = withEnv(Map.of()).errors("""
                databases: [{host: "${H}", dbname: "${D}"}]
                server: {max_result_rows: "${ROWS}"}
                """);

        assertEquals(3, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("databases[0].host: environment variable H is not set"));
        assertTrue(errors.get(1).startsWith("databases[0].dbname: environment variable D is not set"));
        assertTrue(errors.get(2).startsWith("server.max_result_rows: environment variable ROWS is not set"));
    }

    @Test
    void coercesAWhollyExpandedScalarToTheKeysType() throws ConfigException {
        Map<String, String> env = Map.of("PORT", "6543", "ROWS", "250", "TIMEOUT", "2.5", "EXEC", "FALSE");
        PgMcpConfig config = withEnv(env).load("""
                databases:
                  - host: h
                    dbname: d
                    port: ${PORT}
                server:
                  max_result_rows: "${ROWS}"
                  query_timeout: ${TIMEOUT}
                  enable_execute_sql: ${EXEC}
                  max_sql_retry: ${RETRY:-4}
                """).config();

        assertEquals(6543, config.databases().getFirst().port());
        assertEquals(250, config.server().maxResultRows());
        assertEquals(Duration.ofMillis(2500), config.server().queryTimeout());
        assertFalse(config.server().enableExecuteSql());
        assertEquals(4, config.server().maxSqlRetry());
    }

    @Test
    void checksTheRangeOfAnExpandedValue() {
        List<String> errors = withEnv(Map.of("PORT", "99999"))
                .errors("databases:\n  - host: h\n    dbname: d\n    port: ${PORT}\n");

        assertEquals(List.of("databases[0].port: 99999 is above the maximum 65535"), errors);
    }

    @Test
    void rejectsAnExpandedValueThatIsNotANumber() {
        List<String> errors = withEnv(Map.of("PORT", "fivefourthreetwo"))
                .errors("databases:\n  - host: h\n    dbname: d\n    port: ${PORT}\n");

        assertEquals(List.of("databases[0].port: expected an integer, got string \"fivefourthreetwo\""), errors);
    }

    @Test
    void aLiteralStringIsNotCoerced() {
        List<String> errors = withEnv(Map.of()).errors("databases: [{host: h, dbname: d, port: \"5432\"}]\n");

        assertEquals(List.of("databases[0].port: expected an integer, got string \"5432\""), errors);
    }

    @Test
    void expandedTextCannotChangeTheStructure() throws ConfigException {
        Map<String, String> env = Map.of("NAME", "app\nserver: {transport: http}", "USER", "x: y, z");

        DatabaseConfig db = withEnv(env).load("databases:\n  - host: h\n    dbname: \"${NAME}\"\n    user: ${USER}\n")
                .config().databases().getFirst();

        assertEquals("app\nserver: {transport: http}", db.dbname());
        assertEquals("x: y, z", db.user().orElseThrow());
    }

    @Test
    void expandsInsideListsAndLeavesKeysAlone() throws ConfigException {
        PgMcpConfig config = withEnv(Map.of("T", "orders", "TOKEN", "tok-0123456789abcdef"))
                .load("""
                        databases: [{host: h, dbname: d, access_policy: {tables: {allowed: ["${T}", "public.${T}_2024"]}}}]
                        server: {http: {auth_tokens: ["${TOKEN}"]}}
                        """)
                .config();

        assertEquals(List.of("orders", "public.orders_2024"),
                config.databases().getFirst().accessPolicy().tables().allowed());
        assertEquals("tok-0123456789abcdef", config.server().http().authTokens().getFirst().token().reveal());
    }

    @Test
    void rejectsMalformedReferences() {
        assertEquals(List.of("databases[0].dbname: unterminated ${ at character 3 (write $${ for a literal ${)"),
                withEnv(Map.of()).errors("databases: [{host: h, dbname: \"ab${X\"}]\n"));
        assertTrue(withEnv(Map.of()).errors("databases: [{host: h, dbname: \"${1X}\"}]\n").getFirst()
                .startsWith("databases[0].dbname: invalid variable reference at character 1"));
        assertTrue(withEnv(Map.of()).errors("databases: [{host: h, dbname: \"${A:-${B}}\"}]\n").getFirst()
                .startsWith("databases[0].dbname: the default of ${A:-...} may not contain another reference"));
    }
}
