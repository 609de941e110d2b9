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

/** PostgreSQL values come back as the JSON of SPEC §4.2, exactly. */
class QueryValuesTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("""
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
            CREATE SCHEMA other;
            CREATE TYPE other.status AS ENUM ('open', 'closed');
            """);

    private static Database database;

    @BeforeAll
    static void open() {
        database = PoolFixture.database(db.get(), PoolFixture.settings("values", 0, 2, Duration.ofSeconds(10)), Ticker.system());
    }

    @AfterAll
    static void close() {
        database.close();
    }

    private static ResultTable query(String sql) throws SQLException {
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
        assertEquals(List.of("{\"n\":0.12345678901234567890123}", "jsonb"), value("'{\"n\": 0.12345678901234567890123}'::jsonb"));
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
        assertEquals(List.of("\"2024-02-29T13:45:06.5Z\"", "timestamptz"), value("TIMESTAMPTZ '2024-02-29 13:45:06.5Z'"));
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
        assertEquals(List.of("[1.5,\"Infinity\",\"NaN\"]", "_float8"), value("ARRAY[1.5, 'Infinity', 'NaN']::float8[]"));
        assertEquals(List.of("[true,false,null]", "_bool"), value("ARRAY[true, false, NULL]"));
        assertEquals(List.of("[\"2024-02-29\"]", "_date"), value("ARRAY[DATE '2024-02-29']"));
        assertEquals(List.of("[\"13:45:00\"]", "_time"), value("ARRAY[TIME '13:45']"));
        assertEquals(List.of("[\"2024-02-29T13:45:00\"]", "_timestamp"), value("ARRAY[TIMESTAMP '2024-02-29 13:45:00']"));
        assertEquals(List.of("[\"2024-02-29T11:45:00Z\"]", "_timestamptz"), value("ARRAY[TIMESTAMPTZ '2024-02-29 13:45:00+02']"));
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
