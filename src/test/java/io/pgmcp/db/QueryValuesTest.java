package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.PostgresDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PostgreSQL values come back as the documented JSON of a tool result, exactly. */
class QueryValuesTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("""
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
            CREATE SCHEMA other;
            CREATE TYPE other.status AS ENUM ('open', 'closed');
            CREATE TABLE counters (a serial, b bigserial, c smallserial, d int GENERATED ALWAYS AS IDENTITY, e int4);
            SELECT setval('counters_a_seq', 40), setval('counters_b_seq', 9000000000);
            INSERT INTO counters (e) VALUES (7);
            """);

    private static Database database;

    @BeforeAll
    static void open() {
        database = PoolFixture.database(db.get(), PoolFixture.settings("values", 0, 2, Duration.ofSeconds(10)),
                Ticker.system());
    }

    @AfterAll
    static void close() {
        database.close();
    }

    private static ResultTable query(String sql) throws Exception {
        return database.query(sql, PoolFixture.limits(100, 1 << 20, Duration.ofSeconds(10)), CancelSignal.NONE);
    }

    private static String json(Object value) throws JsonProcessingException {
        return PoolFixture.JSON.writeValueAsString(value);
    }

    /** Runs {@code SELECT <expression> AS v} and answers the one value's JSON and the column type. */
    private static List<String> value(String expression) throws Exception {
        ResultTable table = query("SELECT " + expression + " AS v");
        assertEquals(1, table.rowCount());
        return List.of(json(table.rows().get(0).get(0)), table.columnTypes().get(0));
    }

    @Test
    void everyCommonTypeRoundTripsAsExactJson() throws Exception {
        ResultTable table = query(
                """
                        SELECT 1::int2 AS i2, 2147483647::int4 AS i4, '-9223372036854775808'::int8 AS i8,
                               123456789012345678901234567890::numeric AS n30, 'NaN'::numeric AS n_nan,
                               'NaN'::float8 AS f_nan, 'Infinity'::float8 AS f_inf, '-Infinity'::float8 AS f_ninf, 1.5::float8 AS f,
                               E'say "hi" \\\\ then\\nbye' AS txt, true AS yes, false AS no,
                               DATE '2024-02-29' AS d, TIME '13:45:00' AS t, TIMESTAMP '2024-02-29 13:45:00' AS ts,
                               TIMESTAMPTZ '2024-02-29 13:45:00+02' AS tstz, INTERVAL '1 day 02:03:04' AS iv,
                               '{"a": [1, 2.50, null], "b": "x"}'::json AS js, '{"k": {"n": 1}}'::jsonb AS jsb,
                               'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS id, '\\xdeadbeef'::bytea AS bin,
                               ARRAY[1, NULL, 3] AS ints, ARRAY['a', NULL, 'c"d'] AS texts, ARRAY[[1, 2], [3, 4]] AS grid,
                               'happy'::mood AS m, '192.168.0.1/24'::inet AS net, NULL::text AS nothing, NULL::int4 AS no_int
                        """);
        assertEquals(List.of("i2", "i4", "i8", "n30", "n_nan", "f_nan", "f_inf", "f_ninf", "f", "txt", "yes", "no",
                "d", "t", "ts", "tstz", "iv", "js", "jsb", "id", "bin", "ints", "texts", "grid", "m", "net", "nothing",
                "no_int"), table.columns());
        assertEquals(
                List.of("int2", "int4", "int8", "numeric", "numeric", "float8", "float8", "float8", "float8", "text",
                        "bool", "bool", "date", "time", "timestamp", "timestamptz", "interval", "json", "jsonb", "uuid",
                        "bytea",
                        "_int4", "_text", "_int4", "mood", "inet", "text", "int4"),
                table.columnTypes());
        String expected = "[[1,2147483647,-9223372036854775808,"
                + "123456789012345678901234567890,\"NaN\","
                + "\"NaN\",\"Infinity\",\"-Infinity\",1.5,"
                + "\"say \\\"hi\\\" \\\\ then\\nbye\",true,false,"
                + "\"2024-02-29\",\"13:45:00\",\"2024-02-29T13:45:00\","
                + "\"2024-02-29T11:45:00Z\",\"1 day 02:03:04\","
                + "{\"a\":[1,2.50,null],\"b\":\"x\"},{\"k\":{\"n\":1}},"
                + "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\",\"\\\\xdeadbeef\","
                + "[1,null,3],[\"a\",null,\"c\\\"d\"],[[1,2],[3,4]],"
                + "\"happy\",\"192.168.0.1/24\",null,null]]";
        assertEquals(expected, json(table.rows()));
        assertEquals(1, table.rowCount());
        assertEquals(false, table.truncated());
    }

    @Test
    void numericKeepsEveryDigitAndItsScaleWithoutExponent() throws Exception {
        assertEquals(List.of("0.00000001", "numeric"), value("0.00000001::numeric"));
        assertEquals(List.of("1.50", "numeric"), value("1.50::numeric"));
        assertEquals(List.of("100", "numeric"), value("100::numeric"));
        assertEquals(List.of("-12345678901234567890.123456789012345678901234567890", "numeric"),
                value("-12345678901234567890.123456789012345678901234567890::numeric"));
        assertEquals(List.of("\"Infinity\"", "numeric"), value("'Infinity'::numeric"));
        assertEquals(List.of("\"-Infinity\"", "numeric"), value("'-Infinity'::numeric"));
    }

    @Test
    void jsonNumbersAreNotRoundedThroughDouble() throws Exception {
        assertEquals(List.of("{\"n\":0.12345678901234567890123}", "jsonb"),
                value("'{\"n\": 0.12345678901234567890123}'::jsonb"));
        assertEquals(List.of("[123456789012345678901234567890,1.0,2.50]", "json"),
                value("'[123456789012345678901234567890, 1.0, 2.50]'::json"));
        assertEquals(List.of("{\"big\":1" + "0".repeat(400) + "}", "jsonb"), value("'{\"big\": 1e400}'::jsonb"));
    }

    @Test
    void scalarJsonAndNullJsonAreDistinct() throws Exception {
        assertEquals(List.of("null", "jsonb"), value("'null'::jsonb"));
        assertEquals(List.of("null", "jsonb"), value("NULL::jsonb"));
        assertEquals(List.of("\"s\"", "json"), value("'\"s\"'::json"));
    }

    @Test
    void floatsUseTheShortestExactForm() throws Exception {
        assertEquals(List.of("0.1", "float8"), value("0.1::float8"));
        assertEquals(List.of("1.0E300", "float8"), value("1e300::float8"));
        assertEquals(List.of("0.1", "float4"), value("0.1::float4"));
        assertEquals(List.of("\"NaN\"", "float4"), value("'NaN'::float4"));
    }

    @Test
    void timeValuesKeepTheirZeroSeconds() throws Exception {
        assertEquals(List.of("\"13:45:00\"", "time"), value("TIME '13:45'"));
        assertEquals(List.of("\"2024-02-29T13:45:00\"", "timestamp"), value("TIMESTAMP '2024-02-29 13:45'"));
        assertEquals(List.of("\"2024-02-29T11:45:00Z\"", "timestamptz"), value("TIMESTAMPTZ '2024-02-29 13:45+02'"));
        assertEquals(List.of("\"24:00:00\"", "time"), value("TIME '24:00'"));
        assertEquals(List.of("\"13:45:06.123456\"", "time"), value("TIME '13:45:06.123456'"));
        assertEquals(List.of("\"00:00:00\"", "time"), value("TIME '00:00'"));
        assertEquals(List.of("\"13:45:00+02:00\"", "timetz"), value("TIMETZ '13:45:00+02'"));
        assertEquals(List.of("\"2024-02-29T00:00:00\"", "timestamp"), value("TIMESTAMP '2024-02-29'"));
        assertEquals(List.of("\"2024-02-29T13:45:06.5Z\"", "timestamptz"),
                value("TIMESTAMPTZ '2024-02-29 13:45:06.5Z'"));
        assertEquals(List.of("\"infinity\"", "timestamp"), value("'infinity'::timestamp"));
        assertEquals(List.of("\"-infinity\"", "date"), value("'-infinity'::date"));
    }

    @Test
    void numericArrayHoldingNaNNoLongerFailsTheQuery() throws Exception {
        assertEquals(List.of("[1.50,\"NaN\",null]", "_numeric"), value("ARRAY[1.50, 'NaN', NULL]::numeric[]"));
        assertEquals(List.of("[\"Infinity\",-1]", "_numeric"), value("ARRAY['Infinity', -1]::numeric[]"));
    }

    @Test
    void arrayElementsFollowTheScalarRules() throws Exception {
        assertEquals(List.of("[1.5,\"Infinity\",\"NaN\"]", "_float8"),
                value("ARRAY[1.5, 'Infinity', 'NaN']::float8[]"));
        assertEquals(List.of("[true,false,null]", "_bool"), value("ARRAY[true, false, NULL]"));
        assertEquals(List.of("[\"2024-02-29\"]", "_date"), value("ARRAY[DATE '2024-02-29']"));
        assertEquals(List.of("[\"13:45:00\"]", "_time"), value("ARRAY[TIME '13:45']"));
        assertEquals(List.of("[\"2024-02-29T13:45:00\"]", "_timestamp"),
                value("ARRAY[TIMESTAMP '2024-02-29 13:45:00']"));
        assertEquals(List.of("[\"2024-02-29T11:45:00Z\"]", "_timestamptz"),
                value("ARRAY[TIMESTAMPTZ '2024-02-29 13:45:00+02']"));
        assertEquals(List.of("[\"1 day 02:03:04\"]", "_interval"), value("ARRAY[INTERVAL '1 day 02:03:04']"));
        assertEquals(List.of("[{\"a\":1.50},null]", "_jsonb"), value("ARRAY['{\"a\": 1.50}'::jsonb, NULL]"));
        assertEquals(List.of("[\"\\\\xdead\"]", "_bytea"), value("ARRAY['\\xdead'::bytea]"));
        assertEquals(List.of("[\"sad\",\"happy\"]", "_mood"), value("ARRAY['sad', 'happy']::mood[]"));
        assertEquals(List.of("[\"192.168.0.1\"]", "_inet"), value("ARRAY['192.168.0.1'::inet]"));
        assertEquals(List.of("[\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"]", "_uuid"),
                value("ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid]"));
        assertEquals(List.of("[]", "_int4"), value("'{}'::int4[]"));
        assertEquals(List.of("[[[\"a\"],[\"b\"]]]", "_text"), value("'{{{a},{b}}}'::text[]"));
        assertEquals(List.of("[[1.5,null],[\"NaN\",2]]", "_numeric"), value("'{{1.5,NULL},{NaN,2}}'::numeric[]"));
    }

    @Test
    void arrayOfATypeOffTheSearchPathIsStillAnArray() throws Exception {
        List<String> result = value("ARRAY['open', 'closed']::other.status[]");
        assertEquals("[\"open\",\"closed\"]", result.get(0), "column type " + result.get(1));
        assertEquals(List.of("\"open\"", "\"other\".\"status\""), value("'open'::other.status"));
    }

    @Test
    void serialColumnsAreNumbersOfTheirRealType() throws Exception {
        // pgjdbc's getColumnTypeName says "serial", "bigserial" and "smallserial" for these columns
        ResultTable table = query("SELECT a, b, c, d, e, a + 1 AS next_a FROM counters");
        assertEquals(List.of("int4", "int8", "int2", "int4", "int4", "int4"), table.columnTypes());
        assertEquals("[[41,9000000001,1,1,7,42]]", json(table.rows()));
    }

    @Test
    void otherTypesUseTheirPostgresTextForm() throws Exception {
        assertEquals(List.of("\"$1.50\"", "money"), value("1.5::money"));
        assertEquals(List.of("\"101\"", "bit"), value("B'101'"));
        assertEquals(List.of("\"(1,2)\"", "point"), value("point(1, 2)"));
        assertEquals(List.of("\"x  \"", "bpchar"), value("'x'::char(3)"));
        assertEquals(List.of("\"(1,a)\"", "record"), value("ROW(1, 'a')"));
        assertEquals(List.of("\"'a' 'b'\"", "tsvector"), value("'a b'::tsvector"));
        assertEquals(List.of("16", "oid"), value("16::oid"));
        assertEquals(List.of("\"1 2\"", "int2vector"), value("'1 2'::int2vector"));
    }
}
