package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code max_result_bytes} is enforced on sizes computed without writing JSON: they must be exactly
 * the bytes the wire's JSON writer (Jackson, decimals plain) produces, escapes included; and json
 * values must read as Jackson read them before.
 */
class JsonSizeTest {
    /** How json/jsonb values were read when rows were Jackson trees. */
    private static final ObjectReader JACKSON_READER = PoolFixture.JSON.reader()
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);

    private static long jackson(Object value) throws Exception {
        return PoolFixture.JSON.writeValueAsBytes(value).length;
    }

    @Test
    void sizesAreTheBytesJacksonWrites() throws Exception {
        List<Object> values = Arrays.asList(null, true, false, 0L, -42L, Long.MIN_VALUE,
                new BigInteger("123456789012345678901234567890"),
                new BigDecimal("1.50"), new BigDecimal("1E+400"), new BigDecimal("-0.000001"), new BigDecimal("1e-20"),
                1.0, 0.1, 1e21, 1.0E-7, -3.4028234663852886E38, 123456.789,
                "", "plain", "quote \" backslash \\ slash /",
                "tab\tnewline\nreturn\rbell\u0007nul\u0000 form\f back\b del\u007f",
                "é ü ß", "€ 日本語", "emoji 😀 and 𝄞", List.of(), List.of(List.of(1L, "x"), Arrays.asList(null, true)),
                Map.of(), Map.of("k\"ey", List.of(1L)));
        for (Object value : values) {
            assertEquals(jackson(value), JsonSize.of(value), String.valueOf(value));
        }
        assertEquals(jackson(values), JsonSize.of(values));
    }

    @Test
    void randomStringsAreSizedAsJacksonWritesThem() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int j = random.nextInt(20); j > 0; j--) {
                int kind = random.nextInt(4);
                text.appendCodePoint(switch (kind) {
                    case 0 -> random.nextInt(0x80);
                    case 1 -> 0x80 + random.nextInt(0x780);
                    case 2 -> 0xE000 + random.nextInt(0x1000);
                    default -> 0x10000 + random.nextInt(0x10000);
                });
            }
            assertEquals(jackson(text.toString()), JsonSize.of(text.toString()), text::toString);
        }
    }

    @Test
    void surrogatesAreEscapedAndHugeScalesRefusedAsTheWriterDoes() throws Exception {
        for (String text : List.of("x\ud800y", "\udc00", "😀")) {
            assertEquals(jackson(text), JsonSize.of(text), text);
        }
        assertThrows(IllegalArgumentException.class, () -> JsonSize.of(new BigDecimal("1e-10000")));
    }

    @Test
    void jsonValuesReadAsJacksonReadThem() throws Exception {
        for (String text : List.of("{\"a\": 1, \"b\": [true, false, null], \"c\": {\"d\": \"e\\u00e9\\n\\/\"}}",
                "[1.50, 1e2, -0, -0.0, 12345678901234567890123, 0.12345678901234567890123, 1E-7]",
                "{\"k\": 1, \"k\": 2, \"z\": 3}", "\"just a string\"", "42", "null", "  [ ]  ", "{}",
                "\"\\ud83d\\ude00 \\\"quoted\\\" \\\\ \\b\\f\\r\\t\"")) {
            Object typed = EmbeddedJson.parse(text);
            String expected = PoolFixture.JSON.writeValueAsString(JACKSON_READER.readTree(text));
            assertEquals(expected, PoolFixture.JSON.writeValueAsString(typed), text);
            assertEquals(jackson(JACKSON_READER.readTree(text)), JsonSize.of(typed), text);
        }
    }

    @Test
    void nestingAndNumbersBeyondTheLimitsAreRefusedAsJacksonRefusedThem() {
        String deep = "[".repeat(EmbeddedJson.MAX_DEPTH + 1) + "]".repeat(EmbeddedJson.MAX_DEPTH + 1);
        assertThrows(IllegalArgumentException.class, () -> EmbeddedJson.parse(deep));
        String ok = "[".repeat(EmbeddedJson.MAX_DEPTH) + "]".repeat(EmbeddedJson.MAX_DEPTH);
        assertEquals(1, ((List<?>) EmbeddedJson.parse(ok)).size());
        assertThrows(IllegalArgumentException.class,
                () -> EmbeddedJson.parse("1".repeat(EmbeddedJson.MAX_NUMBER_LENGTH + 1)));
        assertEquals(BigDecimal.class,
                EmbeddedJson.parse("-1." + "1".repeat(EmbeddedJson.MAX_NUMBER_LENGTH - 1)).getClass());
    }
}
