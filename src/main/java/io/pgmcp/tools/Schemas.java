package io.pgmcp.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * The JSON Schemas the tools declare: inputs per tool, the output shape the query tools share, and the
 * outputs of the schema discovery tools (each also allows the failure body).
 */
final class Schemas {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The {@code database} argument of the tools that work on one database. */
    static final String DATABASE = """
            "database":{"type":"string","description":"Database name; required when several are configured"}""";
    /** The {@code limit} argument of the tools that return rows. */
    static final String ROW_LIMIT = """
            "limit":{"type":"integer","minimum":1,"maximum":10000,"description":"Maximum rows to return"}""";

    private Schemas() {}

    static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bad built-in schema: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * A tool's input schema: an object with {@code properties} (each one JSON member, in order), the
     * {@code required} ones, and no other property.
     */
    static ObjectNode input(List<String> required, String... properties) {
        String names = String.join(",", required.stream().map(name -> "\"" + name + "\"").toList());
        return parse("{\"type\":\"object\",\"properties\":{" + String.join(",", properties) + "}"
                + (required.isEmpty() ? "" : ",\"required\":[" + names + "]") + ",\"additionalProperties\":false}");
    }

    /** Success or failure body: {@code success} decides which other fields appear. */
    static ObjectNode output() {
        return parse("""
                {"type":"object",
                 "properties":{
                   "success":{"type":"boolean"},
                   "database":{"type":"string"},
                   "sql":{"type":"string","description":"The SQL that ran (or would run)"},
                   "explanation":{"type":"string"},
                   "result":{"type":"object",
                     "properties":{
                       "columns":{"type":"array","items":{"type":"string"}},
                       "column_types":{"type":"array","items":{"type":"string"}},
                       "rows":{"type":"array","items":{"type":"array"}},
                       "row_count":{"type":"integer"},
                       "truncated":{"type":"boolean"},
                       "truncation_reason":{"type":"string","enum":["limit","max_result_bytes"]}},
                     "required":["columns","column_types","rows","row_count","truncated"]},
                   "warnings":{"type":"array","items":{"type":"string"}},
                   "refreshed":{"type":"array","items":{"type":"object"}},
                   "error_code":{"type":"string"},
                   "error_message":{"type":"string"},
                   "details":{"type":"object"}},
                 "required":["success"]}""");
    }

    /** A discovery tool's output: its success members, plus the failure body's. */
    private static ObjectNode discovery(String properties) {
        return parse(String.format(Locale.ROOT, """
                {"type":"object",
                 "properties":{
                   "success":{"type":"boolean"},
                   "database":{"type":"string"},
                   %s,
                   "error_code":{"type":"string"},
                   "error_message":{"type":"string"},
                   "details":{"type":"object"}},
                 "required":["success"]}""", properties));
    }

    static ObjectNode searchOutput() {
        return discovery(
                """
                        "total_matches":{"type":"integer"},
                        "tables":{"type":"array","items":{"type":"object","properties":{
                          "table":{"type":"string"},"kind":{"type":"string"},"rows":{"type":"integer"},"large":{"type":"boolean"},
                          "comment":{"type":"string"},"columns":{"type":"string"}}}},
                        "truncated":{"type":"boolean"},
                        "note":{"type":"string"}""");
    }

    static ObjectNode describeOutput() {
        return discovery("""
                "table":{"type":"string"},"kind":{"type":"string"},"comment":{"type":"string"},
                "row_estimate":{"type":"integer"},"large":{"type":"boolean"},
                "columns":{"type":"array","items":{"type":"object"}},
                "primary_key":{"type":"array","items":{"type":"string"}},
                "foreign_keys":{"type":"array","items":{"type":"object"}},
                "referenced_by":{"type":"array","items":{"type":"object"}},
                "indexes":{"type":"array","items":{"type":"object"}},
                "truncated":{"type":"boolean"},
                "note":{"type":"string"}""");
    }

    static ObjectNode listOutput() {
        return discovery(
                """
                        "total":{"type":"integer"},
                        "tables":{"type":"array","items":{"type":"object","properties":{
                          "table":{"type":"string"},"kind":{"type":"string"},"rows":{"type":"integer"},"comment":{"type":"string"}}}},
                        "next_cursor":{"type":"string"},
                        "note":{"type":"string"}""");
    }
}
