package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The stdio session's id: a random version-4 UUID (IETF variant) after "stdio-", a new one each time. */
class StdioSessionIdTest {
    @Test
    void isAVersionFourUuidAndNeverRepeats() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = PgMcpServer.stdioSessionId();
            assertTrue(id.startsWith("stdio-"), id);
            UUID uuid = UUID.fromString(id.substring("stdio-".length()));
            assertEquals(4, uuid.version(), id);
            assertEquals(2, uuid.variant(), id);
            assertEquals(id, "stdio-" + uuid, "canonical form");
            assertTrue(seen.add(id), "repeated: " + id);
        }
    }
}
