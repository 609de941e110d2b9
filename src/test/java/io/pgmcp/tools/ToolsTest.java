package io.pgmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.ColumnAccessConfig;
import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.OnDenied;
import io.pgmcp.config.SelectStarPolicy;
import io.pgmcp.config.ServerConfig;
import io.pgmcp.config.TableAccessConfig;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.mcp.ResourceContents;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.query.DatabaseRouter;
import io.pgmcp.query.QueryPipeline;
import io.pgmcp.query.Target;
import io.pgmcp.query.Targets;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.PostgresDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** execute_sql, refresh_schema and the schema resources on a real database, called as the session would. */
class ToolsTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("""
            CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, ssn text, password_hash text);
            COMMENT ON TABLE customers IS 'People';
            CREATE TABLE secrets (id int, value text);
            CREATE TABLE products (id int PRIMARY KEY, name text, price numeric(10,2));
            INSERT INTO customers SELECT g, 'c' || g, 'ssn' || g, md5(g::text) FROM generate_series(1, 50) g;
            INSERT INTO products SELECT g, 'p' || g, g * 1.5 FROM generate_series(1, 20) g;
            ANALYZE;
            """);
    static final ObjectMapper JSON = new ObjectMapper();
    static Target main;
    static Target other;
    static ExecuteSqlTool executeSql;
    static ExecuteSqlTool executeSqlTwoDatabases;
    static SchemaResources resources;
    static RefreshSchemaTool refresh;

    @BeforeAll
    static void start() throws Exception {
        ServerConfig d = ServerConfig.defaults();
        ServerConfig server = new ServerConfig(d.maxResultRows(), d.maxResultBytes(), Duration.ofMillis(500),
                d.enableResultValidation(), true, d.maxSqlRetry(), d.cacheRefreshInterval(), d.transport(), d.http(),
                d.shutdownTimeout());
        AccessPolicyConfig p = AccessPolicyConfig.defaults();
        AccessPolicyConfig policy = new AccessPolicyConfig(p.allowedSchemas(),
                new TableAccessConfig(List.of(), List.of("secrets")),
                new ColumnAccessConfig(List.of("customers.ssn", "customers.password_hash"), List.of(), OnDenied.REJECT,
                        SelectStarPolicy.REJECT),
                p.explainPolicy(), p.functions());
        ConnectionTarget connection = ConnectionTarget.parse(db.get().postgresUrl());
        main = Targets.create(new DatabaseConfig("main", connection, 0, 2, policy), server,
                new CatalogLoader(Clock.systemUTC()), Ticker.system());
        other = Targets.create(new DatabaseConfig("other", connection, 0, 1, policy), server,
                new CatalogLoader(Clock.systemUTC()), Ticker.system());
        executeSql = new ExecuteSqlTool(new QueryPipeline(new DatabaseRouter(List.of(main)), server));
        executeSqlTwoDatabases = new ExecuteSqlTool(
                new QueryPipeline(new DatabaseRouter(List.of(main, other)), server));
        resources = new SchemaResources(new DatabaseRouter(List.of(main)), Duration.ofSeconds(5));
        refresh = new RefreshSchemaTool(new DatabaseRouter(List.of(main)), Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        main.database().close();
        other.database().close();
    }

    private static JsonNode call(ExecuteSqlTool tool, String arguments) throws Exception {
        ToolResult result = tool.call((ObjectNode) JSON.readTree(arguments), new TestContext());
        assertEquals(result.isError(), !result.structuredContent().path("success").asBoolean(),
                "isError matches success");
        return result.structuredContent();
    }

    @Test
    void answersWithTheResultShapeOfTheSpec() throws Exception {
        JsonNode body = call(executeSql,
                "{\"sql\":\"SELECT id, name, price FROM products WHERE id <= 2 ORDER BY id\"}");
        assertTrue(body.get("success").asBoolean());
        assertEquals("main", body.get("database").asText());
        assertFalse(body.has("sql"), "sql is shown only when the guard rewrote it");
        JsonNode result = body.get("result");
        assertEquals("[\"id\",\"name\",\"price\"]", result.get("columns").toString());
        assertEquals("[\"int4\",\"text\",\"numeric\"]", result.get("column_types").toString());
        assertEquals("[[1,\"p1\",1.50],[2,\"p2\",3.00]]", result.get("rows").toString());
        assertEquals(2, result.get("row_count").asInt());
        assertFalse(result.get("truncated").asBoolean());
        assertFalse(result.has("truncation_reason"));
        assertNoNullFields(body);
    }

    @Test
    void truncatesAtTheLimitAndSaysWhy() throws Exception {
        JsonNode result = call(executeSql, "{\"sql\":\"SELECT id FROM products ORDER BY id\",\"limit\":3}")
                .get("result");
        assertEquals(3, result.get("row_count").asInt());
        assertTrue(result.get("truncated").asBoolean());
        assertEquals("limit", result.get("truncation_reason").asText());
    }

    @Test
    void badArgumentsAreOneValidationErrorNamingEach() throws Exception {
        JsonNode body = call(executeSql, "{\"sql\":42,\"limit\":0,\"colour\":\"red\"}");
        assertEquals("VALIDATION_ERROR", body.get("error_code").asText());
        String message = body.get("error_message").asText();
        assertTrue(message.contains("'sql' must be a string") && message.contains("'limit' must be between 1 and 10000")
                && message.contains("unknown argument 'colour'"), message);
        assertEquals("'sql' is required", call(executeSql, "{}").at("/details/problems/0").asText());
        assertEquals("VALIDATION_ERROR", call(executeSql, "{\"sql\":\"   \"}").get("error_code").asText());
    }

    @Test
    void routesByDatabaseName() throws Exception {
        JsonNode unknown = call(executeSqlTwoDatabases, "{\"sql\":\"SELECT 1\",\"database\":\"nope\"}");
        assertEquals("UNKNOWN_DATABASE", unknown.get("error_code").asText());
        assertEquals("[\"main\",\"other\"]", unknown.at("/details/available_databases").toString());
        JsonNode ambiguous = call(executeSqlTwoDatabases, "{\"sql\":\"SELECT 1\"}");
        assertEquals("AMBIGUOUS_QUERY", ambiguous.get("error_code").asText());
        assertEquals("other", call(executeSqlTwoDatabases, "{\"sql\":\"SELECT 1 AS one\",\"database\":\"other\"}")
                .get("database").asText());
    }

    @Test
    void divisionByZeroIsADataErrorWithSqlstateAndTimeoutsAreNamed() throws Exception {
        JsonNode division = call(executeSql, "{\"sql\":\"SELECT 1 / (id - id) FROM products\"}");
        assertEquals("DATA_ERROR", division.get("error_code").asText());
        assertEquals("22012", division.at("/details/sqlstate").asText());
        JsonNode slow = call(executeSql,
                "{\"sql\":\"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r\"}");
        assertEquals("EXECUTION_TIMEOUT", slow.get("error_code").asText());
        assertEquals(0.5, slow.at("/details/timeout_seconds").asDouble());
    }

    @Test
    void misspeltKeywordIsASyntaxErrorWithPostgresqlsWordsAndPosition() throws Exception {
        JsonNode body = call(executeSql, "{\"sql\":\"SELECT id,\\n  name\\nFROM products\\nWHERE id = 1 AND\"}");
        assertEquals("SYNTAX_ERROR", body.get("error_code").asText(), body.toString());
        String message = body.get("error_message").asText();
        assertTrue(message.contains("syntax error at end of input") && message.contains("(line 4, column 17)"),
                message);
        assertEquals("42601", body.at("/details/sqlstate").asText());
        assertEquals(49, body.at("/details/position").asInt());
        assertEquals(4, body.at("/details/line").asInt());
        assertEquals(17, body.at("/details/column").asInt());
        assertFalse(message.contains("Encountered") || message.contains("<EOF>"), message);
    }

    @Test
    void misspeltNamesGetTheNearestVisibleNamesAndHiddenOnesReadAsMissing() throws Exception {
        JsonNode column = call(executeSql, "{\"sql\":\"SELECT nme FROM customers\"}");
        assertEquals("COLUMN_ACCESS_DENIED", column.get("error_code").asText());
        assertTrue(
                column.get("error_message").asText()
                        .startsWith("Column nme does not exist or may not be read; did you mean name?"),
                column.toString());
        assertEquals("[\"name\"]", column.at("/details/suggestions/nme").toString());
        JsonNode table = call(executeSql, "{\"sql\":\"SELECT id FROM prodcts\"}");
        assertEquals("Table prodcts does not exist or may not be read; did you mean products?",
                table.get("error_message").asText());
        JsonNode near = call(executeSql, "{\"sql\":\"SELECT ssm FROM customers\"}");
        assertFalse(near.toString().contains("ssn"), near.toString());
        JsonNode hidden = call(executeSql, "{\"sql\":\"SELECT ssn FROM customers\"}");
        JsonNode missing = call(executeSql, "{\"sql\":\"SELECT nosuch FROM customers\"}");
        assertEquals(missing.toString(), hidden.toString().replace("ssn", "nosuch"));
        JsonNode deniedTable = call(executeSql, "{\"sql\":\"SELECT id FROM secrets\"}");
        JsonNode missingTable = call(executeSql, "{\"sql\":\"SELECT id FROM nosuchs\"}");
        assertEquals(missingTable.toString(), deniedTable.toString().replace("secrets", "nosuchs"));
    }

    @Test
    void deniedItemsAreNamed() throws Exception {
        JsonNode column = call(executeSql, "{\"sql\":\"SELECT name, ssn FROM customers\"}");
        assertEquals("COLUMN_ACCESS_DENIED", column.get("error_code").asText());
        assertEquals("[\"ssn\"]", column.at("/details/denied_columns").toString(),
                "as written: no sign of which table has it");
        JsonNode star = call(executeSql, "{\"sql\":\"SELECT * FROM customers\"}");
        assertTrue(star.at("/details/is_select_star").asBoolean());
        JsonNode table = call(executeSql, "{\"sql\":\"SELECT value FROM secrets\"}");
        assertEquals("TABLE_ACCESS_DENIED", table.get("error_code").asText());
        assertFalse(table.get("error_message").asText().contains("password_hash"),
                "denied names never appear in hints");
    }

    @Test
    void resourcesShowOnlyWhatThePolicyAllows() throws Exception {
        String list = resources.read("databases://list", new TestContext()).map(ResourceContents::text).orElseThrow();
        assertEquals("Available Databases:\n- main (2 tables, 0 views)\n", list);
        String schema = resources.read("schema://main", new TestContext()).map(ResourceContents::text).orElseThrow();
        assertTrue(schema.contains("### public.customers") && schema.contains("People")
                && schema.contains("  - name: text (NOT NULL)"), schema);
        assertFalse(schema.contains("ssn") || schema.contains("password_hash") || schema.contains("secrets"), schema);
        assertEquals(Optional.empty(), resources.read("schema://nope", new TestContext()));
        assertEquals(Optional.empty(), resources.read("file:///etc/passwd", new TestContext()));
        assertEquals(2, resources.resources().size());
        assertEquals("schema://{database}", resources.templates().getFirst().uriTemplate());
    }

    @Test
    void aDatabaseThatIsDownAnswersConnectionError() throws Exception {
        ServerConfig server = ServerConfig.defaults();
        Target down = Targets
                .create(new DatabaseConfig("down", ConnectionTarget.parse("postgresql://u@127.0.0.1:1/none"), 0, 1,
                        AccessPolicyConfig.defaults()), server, new CatalogLoader(Clock.systemUTC()), Ticker.system());
        try {
            ExecuteSqlTool tool = new ExecuteSqlTool(new QueryPipeline(new DatabaseRouter(List.of(down)), server));
            JsonNode body = call(tool, "{\"sql\":\"SELECT 1\"}");
            assertEquals("CONNECTION_ERROR", body.get("error_code").asText());
            assertTrue(body.get("error_message").asText().contains("127.0.0.1:1/none"), body.toString());
            assertEquals("down", body.at("/details/database").asText());
            String list = new SchemaResources(new DatabaseRouter(List.of(down)), Duration.ofSeconds(1))
                    .read("databases://list", new TestContext()).map(ResourceContents::text).orElseThrow();
            assertTrue(list.startsWith("Available Databases:\n- down (unavailable"), list);
        } finally {
            down.database().close();
        }
    }

    @Test
    void refreshSchemaReportsCounts() throws Exception {
        JsonNode body = refresh.call(JSON.createObjectNode(), new TestContext()).structuredContent();
        assertEquals("{\"database\":\"main\",\"tables\":2,\"views\":0}", body.at("/refreshed/0").toString());
    }

    private static void assertNoNullFields(JsonNode node) {
        for (var field : node.properties()) {
            assertFalse(field.getValue().isNull(), "null field " + field.getKey());
            if (field.getValue().isObject()) {
                assertNoNullFields(field.getValue());
            }
        }
    }
}
