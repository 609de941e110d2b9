package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque {@code cursor}/{@code nextCursor} of a paginated list method: the offset of the next
 * page, bound to the method that issued it, as unpadded base64url. A cursor this server did not issue
 * for that method is {@code -32602}.
 */
final class ListCursor {
    private static final int MAX_LENGTH = 100;

    private ListCursor() {}

    /** @return the cursor that resumes {@code method} at {@code offset} */
    static String encode(String method, int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((method + ":" + offset).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param cursor the request's {@code cursor} member, or null when absent
     * @param size   how many items the list has now; a cursor beyond it is refused
     * @return the offset to start at: 0 without a cursor
     * @throws JsonRpcException {@code -32602} naming the method if the cursor is not one it issued
     */
    static int decode(String method, JsonNode cursor, int size) throws JsonRpcException {
        if (cursor == null || cursor.isNull()) {
            return 0;
        }
        JsonRpcException invalid = JsonRpcException.invalidParams("Invalid params: cursor is not a cursor that "
                + method + " returned; list again without one");
        if (!cursor.isTextual() || cursor.textValue().isEmpty() || cursor.textValue().length() > MAX_LENGTH) {
            throw invalid;
        }
        String decoded;
        try {
            decoded = new String(Base64.getUrlDecoder().decode(cursor.textValue()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid;
        }
        String prefix = method + ":";
        if (!decoded.startsWith(prefix)) {
            throw invalid;
        }
        String digits = decoded.substring(prefix.length());
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid;
        }
        int offset = Integer.parseInt(digits);
        if (offset > size) {
            throw invalid;
        }
        return offset;
    }
}
