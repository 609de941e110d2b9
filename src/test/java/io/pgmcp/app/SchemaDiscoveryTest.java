package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.audit.AuditLog;
import io.pgmcp.config.ConfigLoader;
import io.pgmcp.config.HttpConfig;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.config.ServerConfig;
import io.pgmcp.config.Transport;
import io.pgmcp.mcp.HttpTestClient;
import io.pgmcp.mcp.HttpTransport;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.sql.LiteralRedactor;
import io.pgmcp.testing.PostgresDatabase;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real pg-mcp over Streamable HTTP on a database of 2,000 generated tables (ten columns each, some
 * commented) plus a few real ones and some the policy hides: a model finds its table from the tool
 * descriptions alone, every answer stays within its bound, and nothing hidden appears in any answer.
 * Sizes are printed (the report quotes them), bounds are asserted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchemaDiscoveryTest {
    private static final int TOOLS_LIST_LIMIT = 12 * 1024;
    private static final int TOOL_ANSWER_LIMIT = 10 * 1024;
    private static final int RESOURCE_LIMIT = 64 * 1024;

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql(
            """
                    DO $$
                    BEGIN
                        FOR i IN 1..2000 LOOP
                            EXECUTE format('CREATE TABLE %I (id int PRIMARY KEY, name text NOT NULL, code text, status text, '
                                || 'amount numeric(12,2), quantity int, note text, created_at timestamptz DEFAULT now(), '
                                || 'invoice_ref text, payment_status text)', 'metric_' || lpad(i::text, 4, '0'));
                            IF i % 7 = 0 THEN
                                EXECUTE format('COMMENT ON TABLE %I IS %L', 'metric_' || lpad(i::text, 4, '0'), 'generated metric table number ' || i);
                            END IF;
                        END LOOP;
                    END $$;
                    CREATE SCHEMA vault;
                    CREATE TYPE payment_method AS ENUM ('card', 'transfer', 'cash');
                    CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, region text, internal_score int);
                    CREATE TABLE invoices (id int PRIMARY KEY, customer_id int REFERENCES customers(id), total numeric(12,2) NOT NULL,
                                           issued_on date NOT NULL, approver_id int REFERENCES customers(id));
                    COMMENT ON TABLE invoices IS 'Bills sent to customers';
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
                    CREATE TABLE vault.invoice_payments (id int PRIMARY KEY, secret text);
                    """);
    /** What the policy hides; none of it may appear in an answer to a request that does not name it. */
    static final List<String> HIDDEN = List.of("invoice_payments_shadow", "Shadow copy", "payment_card_pan",
            "full card number",
            "invoice_payments_pan_idx", "approver_id", "internal_score", "vault", "secret");

    @TempDir
    static Path dir;
    static PgMcpServer server;
    static HttpTransport transport;
    static HttpTestClient client;
    /** Every answer's raw JSON text, for the no-leak check. */
    static final List<String> answers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                databases:
                  - name: wide
                    url: %s
                    access_policy:
                      tables: {denied: [invoice_payments_shadow]}
                      columns:
                        denied: [invoice_payments.payment_card_pan, invoices.approver_id]
                        denied_patterns: ["*.internal_*"]
                rate_limit: {requests_per_minute: 1000, requests_per_hour: 10000, per_client_per_minute: 1000}
                observability:
                  metrics:
                    enabled: false
                audit:
                  file_path: %s
                """.formatted(db.get().postgresUrl(), dir.resolve("audit.jsonl")));
        PgMcpConfig config = new ConfigLoader(Map.of("HOME", dir.toString())).load(file).config();
        ServerConfig s = config.server();
        config = config.withServer(new ServerConfig(s.maxResultRows(), s.maxResultBytes(), s.queryTimeout(),
                s.enableResultValidation(), s.enableExecuteSql(), s.maxSqlRetry(), s.cacheRefreshInterval(),
                Transport.HTTP,
                new HttpConfig("127.0.0.1", 0, List.of(), List.of(), Optional.empty()), s.shutdownTimeout()));
        AuditLog audit = AuditLog.open(config.audit(), new LiteralRedactor(), io.pgmcp.db.AuditTableWriter::new,
                OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream(), Ticker.system());
        server = new PgMcpServer(config, "test", audit);
        transport = server.startHttp();
        client = new HttpTestClient(transport.endpoint());
        client.initialize();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static int ids = 100;

    private static JsonNode request(String method, String params) {
        HttpTestClient.Reply reply = client
                .post("{\"jsonrpc\":\"2.0\",\"id\":" + (++ids) + ",\"method\":\"" + method + "\",\"params\":"
                        + params + "}");
        assertEquals(200, reply.status(), reply.response().body());
        return reply.answer();
    }

    /** A tools/call; answers the result, after checking the text block is the structured content and within bound. */
    private static JsonNode call(String tool, String arguments) {
        JsonNode result = request("tools/call", "{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}")
                .get("result");
        String text = result.at("/content/0/text").asText();
        assertEquals(result.get("structuredContent").toString(), text, "the text block holds the same JSON");
        assertTrue(bytes(text) <= TOOL_ANSWER_LIMIT, tool + " " + arguments + " answered " + bytes(text) + " bytes");
        return result;
    }

    private static int bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static int bytes(JsonNode node) {
        return bytes(node.toString());
    }

    private static void assertNothingHidden(String answer) {
        for (String hidden : HIDDEN) {
            assertFalse(answer.contains(hidden), "'" + hidden + "' leaked into: "
                    + answer.substring(Math.max(0, answer.indexOf(hidden) - 200),
                            Math.min(answer.length(), answer.indexOf(hidden) + 200)));
        }
    }

    @Test
    void aModelReachesTheColumnsItNeedsInThreeSmallCalls() {
        // 1. what the tools are, from tools/list alone
        JsonNode tools = request("tools/list", "{}");
        int listBytes = bytes(tools);
        assertTrue(listBytes < TOOLS_LIST_LIMIT, "tools/list is " + listBytes + " bytes");
        JsonNode searchTool = null;
        for (JsonNode tool : tools.at("/result/tools")) {
            if (tool.get("name").asText().equals("search_schema")) {
                searchTool = tool;
            }
        }
        assertTrue(searchTool != null && searchTool.get("description").asText().contains("Start here"),
                tools.toString());
        List<String> names = tools.at("/result/tools").findValuesAsText("name");
        assertTrue(names.containsAll(List.of("search_schema", "describe_table", "list_tables")), names.toString());

        // 2. the words of the question
        JsonNode search = call("search_schema", "{\"query\":\"invoice payments\"}").get("structuredContent");
        assertEquals("public.invoice_payments", search.at("/tables/0/table").asText(), search.toString());
        assertTrue(search.get("total_matches").asInt() > 2000,
                "every generated table shares a column word: " + search.get("total_matches"));
        String table = search.at("/tables/0/table").asText();

        // 3. the table itself
        JsonNode describe = call("describe_table", "{\"table\":\"" + table + "\"}").get("structuredContent");
        assertEquals(List.of("id", "invoice_id", "paid_at", "amount", "method"),
                describe.get("columns").findValuesAsText("name"));
        assertEquals("public.invoices", describe.at("/foreign_keys/0/references").asText());
        System.err.printf(
                "SchemaDiscoveryTest: tools/list %d bytes; search_schema text %d bytes (wire %d); describe_table text %d bytes%n",
                listBytes, bytes(search),
                bytes(request("tools/call",
                        "{\"name\":\"search_schema\",\"arguments\":{\"query\":\"invoice payments\"}}")),
                bytes(describe));
        answers.addAll(List.of(tools.toString(), search.toString(), describe.toString()));
    }

    @Test
    void searchFindsTablesByTheirWordsAndStaysWithinBound() {
        JsonNode byComment = call("search_schema", "{\"query\":\"acquirer settlements\"}").get("structuredContent");
        assertEquals("public.acquirer_ledger", byComment.at("/tables/0/table").asText(), byComment.toString());
        JsonNode generated = call("search_schema", "{\"query\":\"generated metric table number 700\"}")
                .get("structuredContent");
        assertEquals("public.metric_0700", generated.at("/tables/0/table").asText(), "by its comment: " + generated);
        JsonNode wide = call("search_schema", "{\"query\":\"metric amount status note\",\"limit\":50}")
                .get("structuredContent");
        assertTrue(wide.get("truncated").asBoolean(), "50 tables of ten columns do not fit 10 KB");
        assertTrue(wide.get("note").asText().contains("bounded to 10 KB"), wide.get("note").asText());
        System.err.printf(
                "SchemaDiscoveryTest: search_schema limit 50 answered %d bytes with %d tables of %d matches%n",
                bytes(wide), wide.get("tables").size(), wide.get("total_matches").asInt());
        for (String query : List.of("invoice payments", "card payments", "payment card pan", "shadow copy",
                "secret vault", "internal score")) {
            answers.add(call("search_schema", "{\"query\":\"" + query + "\",\"limit\":50}").toString());
        }
    }

    @Test
    void listTablesPagesThroughEveryVisibleNameOnce() {
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        int total;
        do {
            JsonNode page = call("list_tables", cursor == null ? "{}" : "{\"cursor\":\"" + cursor + "\"}")
                    .get("structuredContent");
            total = page.get("total").asInt();
            assertTrue(page.get("tables").size() <= 200);
            for (JsonNode entry : page.get("tables")) {
                assertTrue(seen.add(entry.get("table").asText()), "listed twice: " + entry);
            }
            answers.add(page.toString());
            cursor = page.has("next_cursor") ? page.get("next_cursor").asText() : null;
            pages++;
        } while (cursor != null && pages < 100);
        assertEquals(2004, total, "2,000 generated tables, customers, invoices, invoice_payments, acquirer_ledger");
        assertEquals(total, seen.size());
        assertTrue(pages >= 11, pages + " pages");
        JsonNode bad = call("list_tables", "{\"cursor\":\"bogus\"}").get("structuredContent");
        assertEquals("VALIDATION_ERROR", bad.get("error_code").asText());
        JsonNode shadows = call("list_tables", "{\"name_pattern\":\"*shadow*\"}").get("structuredContent");
        assertEquals(0, shadows.get("total").asInt());
        answers.add(shadows.toString());
    }

    @Test
    void theSchemaResourceOfALargeDatabaseIsABoundedOverview() {
        JsonNode overview = request("resources/read", "{\"uri\":\"schema://wide\"}");
        String text = overview.at("/result/contents/0/text").asText();
        assertTrue(bytes(text) <= RESOURCE_LIMIT, bytes(text) + " bytes");
        assertTrue(text.contains("Schema overview: 2,004 tables and 0 views are visible"), text.substring(0, 400));
        assertTrue(text.contains("search_schema") && text.contains("schema://wide/{table}"), text.substring(0, 800));
        System.err.printf("SchemaDiscoveryTest: schema://wide overview %d bytes; %s%n", bytes(text),
                text.lines().skip(1).findFirst().orElse(""));
        JsonNode one = request("resources/read", "{\"uri\":\"schema://wide/invoice_payments\"}");
        assertTrue(
                one.at("/result/contents/0/text").asText().contains("  - paid_at: timestamp with time zone (NOT NULL)"),
                one.toString());
        JsonNode templates = request("resources/templates/list", "{}");
        assertEquals(List.of("schema://{database}", "schema://{database}/{table}"),
                templates.at("/result/resourceTemplates").findValuesAsText("uriTemplate"));
        answers.addAll(List.of(text, one.toString(), templates.toString(), request("resources/list", "{}").toString(),
                request("resources/read", "{\"uri\":\"databases://list\"}").toString()));
    }

    @Test
    void completionsOfferAtMostAHundredVisibleTables() {
        JsonNode many = request("completion/complete",
                "{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"schema://{database}/{table}\"},"
                        + "\"argument\":{\"name\":\"table\",\"value\":\"metric\"},\"context\":{\"arguments\":{\"database\":\"wide\"}}}");
        assertEquals(100, many.at("/result/completion/values").size());
        assertEquals(2000, many.at("/result/completion/total").asInt());
        assertTrue(many.at("/result/completion/hasMore").asBoolean());
        JsonNode invoice = request("completion/complete",
                "{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"schema://{database}/{table}\"},"
                        + "\"argument\":{\"name\":\"table\",\"value\":\"invoice_payments\"}}");
        assertEquals("[\"public.invoice_payments\"]", invoice.at("/result/completion/values").toString());
        JsonNode database = request("completion/complete",
                "{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"schema://{database}\"},"
                        + "\"argument\":{\"name\":\"database\",\"value\":\"\"}}");
        assertEquals("[\"wide\"]", database.at("/result/completion/values").toString());
        for (String typed : List.of("", "i", "v", "s", "invoice_payments_")) {
            answers.add(request("completion/complete",
                    "{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"schema://{database}/{table}\"},"
                            + "\"argument\":{\"name\":\"table\",\"value\":\"" + typed + "\"}}")
                    .toString());
        }
        answers.addAll(List.of(many.toString(), invoice.toString()));
    }

    @Test
    void theInstructionsSayToSearchThisLargeSchemaFirst() {
        call("list_tables", "{\"name_pattern\":\"acquirer*\"}"); // the catalog has loaded by now
        HttpTestClient fresh = new HttpTestClient(transport.endpoint());
        String instructions = fresh.initialize().get("instructions").asText();
        assertTrue(instructions.contains("database wide: 2,004 tables (large) — use search_schema first"),
                instructions);
        answers.add(instructions);
    }

    @Test
    void describingAHiddenTableAnswersLikeAMissingOne() {
        for (var pair : Map.of("invoice_payments_shadow", "invoice_payments_shadoq", "vault.invoice_payments",
                "nosuch.invoice_payments").entrySet()) {
            String hidden = pair.getKey();
            String missing = pair.getValue();
            JsonNode a = call("describe_table", "{\"table\":\"" + hidden + "\"}").get("structuredContent");
            JsonNode b = call("describe_table", "{\"table\":\"" + missing + "\"}").get("structuredContent");
            assertEquals(b.toString().replace(missing, "N"), a.toString().replace(hidden, "N"));
            answers.add(a.toString().replace(hidden, "N"));
        }
        for (String visible : List.of("invoices", "customers", "public.invoice_payments", "metric_0007")) {
            answers.add(call("describe_table", "{\"table\":\"" + visible + "\"}").toString());
        }
        answers.add(request("resources/read", "{\"uri\":\"schema://wide/invoice_payments_shadow\"}").toString()
                .replace("invoice_payments_shadow", "N"));
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void nothingHiddenAppearedInAnyAnswer() throws Exception {
        assertTrue(answers.size() > 30, answers.size() + " answers collected");
        answers.forEach(SchemaDiscoveryTest::assertNothingHidden);
        String audit = Files.readString(dir.resolve("audit.jsonl"));
        assertTrue(
                audit.contains("\"search_schema\"") && audit.contains("\"describe_table\"")
                        && audit.contains("\"list_tables\""),
                "the discovery tools are audited like every tool");
    }
}
