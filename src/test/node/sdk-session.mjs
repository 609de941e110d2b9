// One complete MCP session against pg-mcp's Streamable HTTP endpoint with the official TypeScript
// SDK: initialize, tools/list, a tools/call with progress, schema discovery (search_schema, then
// describe_table of the first table found, both checked by the SDK against their outputSchema), a
// completion of the per-table resource template, ping, DELETE. Prints one JSON summary line on stdout;
// exits 1 with the error on stderr if anything fails.
// Usage: node sdk-session.mjs <endpoint-url> [bearer-token] [sql] [search words]
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, token, sql = "SELECT 1 AS one", words = "invoice payments"] = process.argv.slice(2);
const headers = token ? { Authorization: `Bearer ${token}` } : {};

try {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: "sdk-session", version: "1.0.0" });
  await client.connect(transport);
  const sessionId = transport.sessionId;
  const server = client.getServerVersion();
  const tools = await client.listTools();
  const progress = [];
  const call = await client.callTool({ name: "execute_sql", arguments: { sql } }, undefined,
    { onprogress: (p) => progress.push(p.message ?? p.progress) });
  const search = await client.callTool({ name: "search_schema", arguments: { query: words } });
  const first = search.structuredContent?.tables?.[0]?.table;
  const describe = first ? await client.callTool({ name: "describe_table", arguments: { table: first } }) : undefined;
  // a failure body must match the outputSchema too: the SDK checks it as well
  const missing = await client.callTool({ name: "describe_table", arguments: { table: "no_such_table" } });
  const completion = await client.complete({
    ref: { type: "ref/resource", uri: "schema://{database}/{table}" },
    argument: { name: "table", value: "inv" },
  });
  await client.ping();
  await transport.terminateSession();
  await client.close();
  console.log(JSON.stringify({
    sessionId,
    protocolVersion: transport.protocolVersion,
    server: server?.name,
    tools: tools.tools.map((t) => t.name),
    isError: call.isError ?? false,
    structuredContent: call.structuredContent,
    progress,
    search: search.structuredContent,
    describe: describe?.structuredContent,
    missing: missing.structuredContent,
    completion: completion.completion,
    terminated: transport.sessionId === undefined,
  }));
} catch (e) {
  console.error(e?.stack ?? String(e));
  process.exit(1);
}
