package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.testing.PostgresDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official MCP client 2.x spawns the built {@code target/pg-mcp/bin/pg-mcp} over stdio, as a host
 * would, and completes a whole session in modern-only, pinned-2026-07-28, auto and legacy mode (see
 * {@link ClientV2Test} for the steps). In the negotiating modes the client probes with
 * {@code server/discover} on a short-lived sibling process first; pg-mcp answers it with a
 * {@code DiscoverResult}, so the client stays modern and needs no handshake with the process it keeps.
 * Skipped without Node or the package.
 */
class ClientV2StdioIT {

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("CREATE TABLE t (id int)");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"modern", "pinned", "auto", "legacy"})
    void clientV2CompletesASessionOverStdio(String mode) throws Exception {
        NodeClients node = NodeClients.in(dir, "v2-session.mjs", "@modelcontextprotocol/client");
        Path config = ClientV2Test.writeConfig(dir, db.get().postgresUrl());
        NodeClients.Run run = node.run("v2-session.mjs", mode, "stdio", ImageProcess.launcher().toString(),
                "--config", config.toString());
        assertEquals(0, run.exitCode(), run::toString);
        JsonNode summary = run.summary();
        ClientV2Test.assertSession(summary, !mode.equals("legacy"));
        System.out.println("[client-v2 stdio] " + mode + ": connect " + summary.get("connectMs") + " ms, era "
                + summary.get("era").asText());
    }
}
