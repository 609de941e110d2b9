package io.pgmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.ColumnAccessConfig;
import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.ExplainPolicyConfig;
import io.pgmcp.config.OnDenied;
import io.pgmcp.config.SelectStarPolicy;
import io.pgmcp.config.ServerConfig;
import io.pgmcp.config.TableAccessConfig;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.mcp.Completion;
import io.pgmcp.mcp.CompletionRequest;
import io.pgmcp.mcp.JsonRpcException;
import io.pgmcp.mcp.ResourceContents;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.query.DatabaseRouter;
import io.pgmcp.query.Target;
import io.pgmcp.query.Targets;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.PostgresDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * search_schema, describe_table, list_tables and the per-table resource and completions on a real
 * database with hidden tables, columns, an index and foreign keys, called as the session would.
 */
class DiscoveryToolsTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql(
            """
                    CREATE SCHEMA vault;
                    CREATE TYPE payment_method AS ENUM ('card', 'transfer', 'cash');
                    CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, region text, internal_score int);
                    CREATE TABLE invoices (id int PRIMARY KEY, customer_id int REFERENCES customers(id), total numeric(12,2) NOT NULL,
                                           issued_on date NOT NULL DEFAULT current_date, approver_id int REFERENCES customers(id));
                    COMMENT ON TABLE invoices IS 'Bills sent to customers';
                    COMMENT ON COLUMN invoices.total IS 'Amount due, tax included';
                    CREATE TABLE invoice_payments (id int PRIMARY KEY, invoice_id int NOT NULL REFERENCES invoices(id),
                                                   paid_at timestamptz NOT NULL, amount numeric(12,2) NOT NULL,
                                                   method payment_method NOT NULL, payment_card_pan text);
                    COMMENT ON TABLE invoice_payments IS 'Money received against an invoice';
                    COMMENT ON COLUMN invoice_payments.payment_card_pan IS 'full card number of the payment';
                    CREATE INDEX invoice_payments_invoice_idx ON invoice_payments (invoice_id);
                    CREATE INDEX invoice_payments_pan_idx ON invoice_payments (payment_card_pan);
                    CREATE TABLE invoice_payments_shadow (id int PRIMARY KEY, invoice_id int REFERENCES invoices(id), payload text);
                    COMMENT ON TABLE invoice_payments_shadow IS 'Shadow copy of invoice payments';
                    CREATE TABLE acquirer_ledger (id int PRIMARY KEY, entry text);
                    COMMENT ON TABLE acquirer_ledger IS 'Card settlements and payouts reported by the acquirer';
                    CREATE VIEW open_invoices AS SELECT id, total FROM invoices;
                    CREATE TABLE vault.invoice_payments (id int PRIMARY KEY, secret text);
                    INSERT INTO customers SELECT g, 'c' || g, 'r' || (g % 3), g FROM generate_series(1, 40) g;
                    INSERT INTO invoices SELECT g, 1 + g % 40, g * 10, current_date, NULL FROM generate_series(1, 500) g;
                    ANALYZE;
                    """);
    /** Names the policy hides: none of them may appear in any answer about something else. */
    static final List<String> HIDDEN = List.of("invoice_payments_shadow", "Shadow copy", "payment_card_pan",
            "full card number",
            "invoice_payments_pan_idx", "approver_id", "internal_score", "vault", "secret");
    static final ObjectMapper JSON = new ObjectMapper();
    static Target main;
    static VisibleSchemas schemas;
    static SearchSchemaTool search;
    static DescribeTableTool describe;
    static ListTablesTool list;
    static TableResources tableResources;
    static SchemaResources schemaResources;

    @BeforeAll
    static void start() {
        AccessPolicyConfig p = AccessPolicyConfig.defaults();
        ExplainPolicyConfig e = ExplainPolicyConfig.defaults();
        ExplainPolicyConfig largeAt100 = new ExplainPolicyConfig(e.enabled(), e.maxEstimatedRows(),
                e.maxEstimatedCost(), true, 100,
                e.timeout(), e.cacheTtl(), e.cacheMaxSize());
        AccessPolicyConfig policy = new AccessPolicyConfig(p.allowedSchemas(),
                new TableAccessConfig(List.of(), List.of("invoice_payments_shadow")),
                new ColumnAccessConfig(List.of("invoice_payments.payment_card_pan", "invoices.approver_id"),
                        List.of("*.internal_*"),
                        OnDenied.REJECT, SelectStarPolicy.REJECT),
                largeAt100, p.functions());
        main = Targets.create(new DatabaseConfig("main", ConnectionTarget.parse(db.get().postgresUrl()), 0, 2, policy),
                ServerConfig.defaults(), new CatalogLoader(Clock.systemUTC()), Ticker.system());
        schemas = new VisibleSchemas(new DatabaseRouter(List.of(main)), Duration.ofSeconds(10));
        search = new SearchSchemaTool(schemas);
        describe = new DescribeTableTool(schemas);
        list = new ListTablesTool(schemas);
        tableResources = new TableResources(schemas);
        schemaResources = new SchemaResources(schemas);
    }

    @AfterAll
    static void stop() {
        main.database().close();
    }

    private static JsonNode call(io.pgmcp.mcp.Tool tool, String arguments) throws Exception {
        ToolResult result = tool.call((ObjectNode) JSON.readTree(arguments), new TestContext());
        assertEquals(result.isError(), !result.structuredContent().path("success").asBoolean(),
                "isError matches success");
        return result.structuredContent();
    }

    private static void assertNothingHidden(String answer) {
        for (String hidden : HIDDEN) {
            assertFalse(answer.contains(hidden), "'" + hidden + "' leaked into: " + answer);
        }
    }

    @Test
    void searchFindsTablesByNameAndByComment() throws Exception {
        JsonNode byName = call(search, "{\"query\":\"invoice payments\"}");
        assertEquals("public.invoice_payments", byName.at("/tables/0/table").asText(), byName.toString());
        assertEquals("id integer PK, invoice_id integer FK -> public.invoices.id, paid_at timestamp with time zone, "
                + "amount numeric(12,2), method public.payment_method ('card', 'transfer', 'cash')",
                byName.at("/tables/0/columns").asText());
        assertEquals("Money received against an invoice", byName.at("/tables/0/comment").asText());
        assertFalse(byName.get("truncated").asBoolean());
        JsonNode byComment = call(search, "{\"query\":\"acquirer settlements\",\"limit\":1}");
        assertEquals("public.acquirer_ledger", byComment.at("/tables/0/table").asText(), byComment.toString());
        JsonNode byPrefix = call(search, "{\"query\":\"settle\"}");
        assertEquals("public.acquirer_ledger", byPrefix.at("/tables/0/table").asText(), "a word's beginning matches");
        JsonNode view = call(search, "{\"query\":\"open\"}");
        assertEquals("view", view.at("/tables/0/kind").asText(), view.toString());
        for (String query : List.of("invoice payments", "card payments", "shadow", "secret vault", "internal score",
                "card number pan")) {
            assertNothingHidden(call(search, "{\"query\":\"" + query + "\",\"limit\":50}").toString());
        }
        JsonNode none = call(search, "{\"query\":\"shadow\"}");
        assertEquals(0, none.get("total_matches").asInt());
        assertTrue(none.get("note").asText().contains("list_tables"), none.toString());
    }

    @Test
    void searchArgumentsAreValidated() throws Exception {
        JsonNode body = call(search, "{\"query\":\"? !\",\"limit\":51,\"table\":\"x\"}");
        assertEquals("VALIDATION_ERROR", body.get("error_code").asText());
        String message = body.get("error_message").asText();
        assertTrue(message.contains("'query' has no word") && message.contains("'limit' must be between 1 and 50")
                && message.contains("unknown argument 'table'"), message);
        assertEquals("'query' is required", call(search, "{}").at("/details/problems/0").asText());
        assertEquals("UNKNOWN_DATABASE",
                call(search, "{\"query\":\"x1\",\"database\":\"nope\"}").get("error_code").asText());
    }

    @Test
    void describeShowsColumnsKeysBothWaysIndexesAndSize() throws Exception {
        JsonNode payments = call(describe, "{\"table\":\"invoice_payments\"}");
        assertEquals("public.invoice_payments", payments.get("table").asText());
        assertEquals("table", payments.get("kind").asText());
        assertEquals("[\"id\",\"invoice_id\",\"paid_at\",\"amount\",\"method\"]",
                JSON.valueToTree(payments.get("columns").findValuesAsText("name")).toString());
        assertEquals(
                "{\"name\":\"method\",\"type\":\"public.payment_method\",\"nullable\":false,\"enum_values\":[\"card\",\"transfer\",\"cash\"]}",
                payments.at("/columns/4").toString());
        assertEquals("[{\"column\":\"invoice_id\",\"references\":\"public.invoices\",\"references_column\":\"id\"}]",
                payments.get("foreign_keys").toString());
        assertEquals("[\"invoice_payments_invoice_idx\",\"invoice_payments_pkey\"]",
                JSON.valueToTree(payments.get("indexes").findValuesAsText("name")).toString(),
                "not the index on the hidden column");
        assertNothingHidden(payments.toString());

        JsonNode invoices = call(describe, "{\"table\":\"public.INVOICES\"}");
        assertEquals("Bills sent to customers", invoices.get("comment").asText());
        assertEquals(
                "{\"name\":\"total\",\"type\":\"numeric(12,2)\",\"nullable\":false,\"comment\":\"Amount due, tax included\"}",
                invoices.at("/columns/2").toString());
        assertEquals("CURRENT_DATE", invoices.at("/columns/3/default").asText());
        assertEquals("[\"id\"]", invoices.get("primary_key").toString());
        assertEquals("[{\"table\":\"public.invoice_payments\",\"column\":\"invoice_id\",\"references_column\":\"id\"}]",
                invoices.get("referenced_by").toString(), "only from visible tables");
        assertEquals(500, invoices.get("row_estimate").asLong());
        assertTrue(invoices.get("large").asBoolean(), "500 rows is over this policy's threshold of 100");
        assertNothingHidden(invoices.toString());

        JsonNode customers = call(describe, "{\"table\":\"customers\"}");
        assertEquals(1, customers.get("referenced_by").size(), "invoices.customer_id only; approver_id is hidden");
        assertFalse(customers.get("large").asBoolean());
        assertNothingHidden(customers.toString());
    }

    @Test
    void aHiddenTableAndAMissingOneGetTheSameAnswer() throws Exception {
        Map<String, String> askedFor = Map.of("invoice_payments_shadow", "invoice_payments_shadoq",
                "vault.invoice_payments",
                "nosuch.invoice_payments", "invoices.approver_id", "invoices.approver_iq");
        for (var pair : askedFor.entrySet()) {
            JsonNode hidden = call(describe, "{\"table\":\"" + pair.getKey() + "\"}");
            JsonNode missing = call(describe, "{\"table\":\"" + pair.getValue() + "\"}");
            assertEquals("TABLE_ACCESS_DENIED", hidden.get("error_code").asText());
            assertEquals(missing.toString().replace(pair.getValue(), "NAME"),
                    hidden.toString().replace(pair.getKey(), "NAME"));
            assertTrue(hidden.at("/details/suggestions").size() <= 3);
        }
        JsonNode typo = call(describe, "{\"table\":\"invoice_paymnts\"}");
        assertEquals("public.invoice_payments", typo.at("/details/suggestions/0").asText(), typo.toString());
        assertTrue(typo.get("error_message").asText().contains("Nearest visible names: public.invoice_payments"),
                typo.toString());
        assertNothingHidden(typo.toString());
        assertEquals("VALIDATION_ERROR", call(describe, "{\"table\":\"\"}").get("error_code").asText());
    }

    @Test
    void listTablesFiltersBySchemaAndGlob() throws Exception {
        JsonNode all = call(list, "{}");
        assertEquals(5, all.get("total").asInt(), all.toString());
        assertEquals("[\"public.acquirer_ledger\",\"public.customers\",\"public.invoice_payments\",\"public.invoices\","
                + "\"public.open_invoices\"]",
                JSON.valueToTree(all.get("tables").findValuesAsText("table")).toString());
        assertFalse(all.has("next_cursor"));
        assertEquals(40, all.at("/tables/1/rows").asLong());
        assertNothingHidden(all.toString());
        JsonNode invoices = call(list, "{\"name_pattern\":\"INVOICE*\"}");
        assertEquals("[\"public.invoice_payments\",\"public.invoices\"]",
                JSON.valueToTree(invoices.get("tables").findValuesAsText("table")).toString());
        assertEquals(0, call(list, "{\"schema\":\"vault\"}").get("total").asInt());
        assertEquals(call(list, "{\"schema\":\"nosuch\"}").toString().replace("nosuch", "S"),
                call(list, "{\"schema\":\"vault\"}").toString().replace("vault", "S"),
                "a hidden schema is a missing one");
        JsonNode like = call(list, "{\"name_pattern\":\"invoice%\"}");
        assertEquals("VALIDATION_ERROR", like.get("error_code").asText());
        assertTrue(like.get("error_message").asText().contains("glob"), like.toString());
    }

    @Test
    void aCursorMustBeOneListTablesReturnedForTheSameListing() throws Exception {
        JsonNode garbage = call(list, "{\"cursor\":\"not-a-cursor\"}");
        assertEquals("VALIDATION_ERROR", garbage.get("error_code").asText());
        assertTrue(garbage.get("error_message").asText().contains("'cursor' is not a next_cursor"), garbage.toString());
        String other = new PageCursor(PageCursor.listing("main", Optional.of("public"), Optional.empty()), "public",
                "customers").encode();
        JsonNode mismatch = call(list, "{\"cursor\":\"" + other + "\"}");
        assertEquals("VALIDATION_ERROR", mismatch.get("error_code").asText());
        assertTrue(mismatch.get("error_message").asText().contains("another database, schema or name_pattern"),
                mismatch.toString());
        String resume = new PageCursor(PageCursor.listing("main", Optional.empty(), Optional.empty()), "public",
                "invoices").encode();
        assertEquals("[\"public.open_invoices\"]",
                JSON.valueToTree(call(list, "{\"cursor\":\"" + resume + "\"}").get("tables").findValuesAsText("table"))
                        .toString());
    }

    @Test
    void theTableResourceDescribesOneTableAndHidesTheSameWay() throws Exception {
        String text = tableResources.read("schema://main/public.invoice_payments", new TestContext()).orElseThrow()
                .text();
        assertTrue(
                text.startsWith(
                        "### public.invoice_payments (table, database main)\nMoney received against an invoice\n"),
                text);
        assertTrue(text.contains("  - method: public.payment_method (NOT NULL, ENUM: 'card', 'transfer', 'cash')"),
                text);
        assertTrue(text.contains("  - invoice_id: integer (NOT NULL, FK -> public.invoices.id)"), text);
        assertTrue(text.contains("  - invoice_payments_invoice_idx (invoice_id) btree"), text);
        assertNothingHidden(text);
        assertEquals(text,
                tableResources.read("schema://main/invoice_payments", new TestContext()).orElseThrow().text());
        assertTrue(tableResources.read("schema://main/public.%22invoices%22", new TestContext()).orElseThrow().text()
                .startsWith("### public.invoices (table"), "percent-encoded names are decoded");

        ReadError hidden = readError("schema://main/invoice_payments_shadow");
        ReadError missing = readError("schema://main/invoice_payments_shadoq");
        assertEquals(JsonRpcException.RESOURCE_NOT_FOUND, hidden.code());
        assertEquals(missing.message().replace("invoice_payments_shadoq", "N"),
                hidden.message().replace("invoice_payments_shadow", "N"));
        assertEquals(Optional.empty(), tableResources.read("schema://nope/invoices", new TestContext()));
        assertEquals(Optional.empty(), schemaResources.read("schema://main/invoices", new TestContext()),
                "the whole-schema resource leaves table URIs to the table resource");
    }

    private record ReadError(int code, String message) {}

    private static ReadError readError(String uri) {
        JsonRpcException e = assertThrows(JsonRpcException.class, () -> tableResources.read(uri, new TestContext()));
        return new ReadError(e.code(), e.getMessage());
    }

    @Test
    void completionsOfferOnlyVisibleNames() throws Exception {
        Completion databases = tableResources
                .complete(new CompletionRequest(TableResources.SCHEMA_TEMPLATE, "database", "m", Map.of()),
                        new TestContext())
                .orElseThrow();
        assertEquals(List.of("main"), databases.values());
        Completion tables = tableResources.complete(new CompletionRequest(TableResources.TABLE_TEMPLATE, "table", "inv",
                Map.of("database", "main")), new TestContext()).orElseThrow();
        assertEquals(List.of("public.invoice_payments", "public.invoices", "public.open_invoices"), tables.values());
        assertEquals(3, tables.total());
        List<String> everything = new ArrayList<>();
        for (String typed : List.of("", "i", "invoice_payments_", "vault", "s", "sh")) {
            everything
                    .addAll(tableResources.complete(new CompletionRequest(TableResources.TABLE_TEMPLATE, "table", typed,
                            Map.of()), new TestContext()).orElseThrow().values());
        }
        assertNothingHidden(String.join(",", everything));
        assertEquals(Optional.empty(),
                tableResources.complete(new CompletionRequest(TableResources.SCHEMA_TEMPLATE, "table", "",
                        Map.of()), new TestContext()),
                "schema://{database} has no table argument");
        assertEquals(List.of(),
                tableResources.complete(new CompletionRequest(TableResources.TABLE_TEMPLATE, "table", "",
                        Map.of("database", "nope")), new TestContext()).orElseThrow().values());
    }

    @Test
    void aSmallSchemaIsShownWholeAndALargeOneAsABoundedOverview() throws Exception {
        String whole = schemaResources.read("schema://main", new TestContext()).map(ResourceContents::text)
                .orElseThrow();
        assertTrue(
                whole.contains("### public.invoice_payments") && whole.contains("  - amount: numeric(12,2) (NOT NULL)"),
                whole);
        assertNothingHidden(whole);
        VisibleSchemas.VisibleSchema schema = schemas.load(main);
        int limit = Answers.bytes(SchemaOverview.overview(schema, VisibleSchemas.RESOURCE_LIMIT)) + 140; // too small for the last names
        String overview = SchemaOverview.overview(schema, limit);
        assertTrue(Answers.bytes(overview) <= limit, overview.length() + " bytes");
        assertTrue(overview.contains("- acquirer_ledger: Card settlements"), overview);
        assertTrue(overview.contains("search_schema") && overview.contains("schema://main/{table}"), overview);
        assertTrue(overview.contains("more names are not shown"), overview);
        assertNothingHidden(overview);
    }
}
