package io.pgmcp.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON Schemas the tools declare: inputs per tool, and the one output shape all tools share. */
final class Schemas {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Schemas() {
    }

    static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bad built-in schema: " + e.getOriginalMessage(), e);
        }
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
}
