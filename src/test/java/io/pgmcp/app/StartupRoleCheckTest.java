package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.audit.AuditLog;
import io.pgmcp.config.ConfigLoader;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.sql.LiteralRedactor;
import io.pgmcp.testing.LogCapture;
import io.pgmcp.testing.PostgresDatabase;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/** Once a database's schema has loaded, the log warns where its login role disagrees with its policy. */
@Timeout(60)
@ResourceLock(LogCapture.LOCK) // captures PgMcpServer's log
class StartupRoleCheckTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql(
            "CREATE TABLE customers (id int PRIMARY KEY, name text, ssn text); CREATE TABLE secrets (id int, token text)");

    @TempDir
    Path dir;

    @Test
    void theStartUpLogWarnsWhenTheRoleCanReadWhatThePolicyDenies() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                databases:
                  - name: main
                    url: %s
                    min_pool_size: 0
                    access_policy:
                      tables: {denied: [secrets, no_such_table]}
                      columns: {denied: [customers.ssn]}
                audit:
                  file_path: %s
                """.formatted(db.get().postgresUrl(), dir.resolve("audit.jsonl")));
        PgMcpConfig config = new ConfigLoader(Map.of("HOME", dir.toString())).load(file).config();
        AuditLog audit = AuditLog.open(config.audit(), new LiteralRedactor(), io.pgmcp.db.AuditTableWriter::new,
                OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream(), Ticker.system());
        try (LogCapture capture = LogCapture.of(PgMcpServer.class)) {
            PgMcpServer server = new PgMcpServer(config, "test", audit);
            try {
                for (int i = 0; i < 300 && capture.messages(Level.WARNING).size() < 3; i++) {
                    Thread.sleep(100);
                }
                String log = String.join("\n", capture.messages(Level.WARNING));
                // the test connects as the superuser: it can read everything
                assertTrue(log.contains("database 'main': the role " + db.get().user()
                        + " can SELECT 1 relation (public.secrets) that the policy denies"), log);
                assertTrue(log.contains("can SELECT 1 column (public.customers.ssn) that the policy denies"), log);
                assertTrue(log.contains("access_policy.tables.denied: 'no_such_table' names no table or view"), log);
            } finally {
                server.close();
            }
        }
    }
}
