/**
 * Real PostgreSQL for tests. One server per test JVM, {@link
 * io.pgmcp.testing.TestPostgres#shared()}, from {@code PG_MCP_TEST_URL}, else local server binaries
 * (a throwaway cluster, run as {@code postgres} when the build runs as root), else Testcontainers
 * {@code postgres:16}; and one database per test class, copied from an empty template:
 *
 * <pre>{@code
 * class CatalogTest {
 *     @RegisterExtension
 *     static final PostgresDatabase db = PostgresDatabase.withScripts(GuardCorpus.SCHEMA);
 *
 *     @Test
 *     void readsTables() throws SQLException {
 *         TestDatabase database = db.get();      // jdbcUrl(), postgresUrl(), connect(), execute(sql)
 *         database.createRole("catalogtest_reader", "pw", "GRANT SELECT ON public.users TO catalogtest_reader");
 *         try (Connection c = database.connect("catalogtest_reader", "pw")) { ... }
 *     }
 * }
 * }</pre>
 *
 * Tests that restart the server take a cluster of their own with {@link
 * io.pgmcp.testing.TestPostgres#startIsolated()} (skipped where there are no local binaries).
 */
package io.pgmcp.testing;
