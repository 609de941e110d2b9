// One MCP session against pg-mcp's Streamable HTTP endpoint with the official TypeScript SDK, as one
// principal: initialize with the caller's bearer token, list the tools, read databases://list, list the
// tables of every database the server names, run one SQL statement on each of them, and try one
// database the caller was not given. Prints one JSON summary line on stdout; exits 1 with the error on
// stderr if anything fails.
// Usage: node principal-session.mjs <endpoint-url> <bearer-token> <sql> <other-database>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, token, sql, other] = process.argv.slice(2);

try {
  const transport = new StreamableHTTPClientTransport(new URL(url),
    { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  const client = new Client({ name: "principal-session", version: "1.0.0" });
  await client.connect(transport);
  const tools = await client.listTools();
  const list = await client.readResource({ uri: "databases://list" });
  const text = list.contents[0].text;
  const databases = [...text.matchAll(/^- (\S+) \(/gm)].map((m) => m[1]);
  const tables = {};
  const rows = {};
  for (const database of databases) {
    const listed = await client.callTool({ name: "list_tables", arguments: { database } });
    tables[database] = (listed.structuredContent?.tables ?? []).map((t) => t.table ?? t.name);
    const call = await client.callTool({ name: "execute_sql", arguments: { database, sql } });
    rows[database] = call.isError ? { error: call.structuredContent ?? call.content } : call.structuredContent?.result?.rows;
  }
  const refused = await client.callTool({ name: "execute_sql", arguments: { database: other, sql: "SELECT 1" } });
  await transport.terminateSession();
  await client.close();
  console.log(JSON.stringify({
    protocolVersion: transport.protocolVersion,
    tools: tools.tools.map((t) => t.name),
    databasesText: text,
    databases,
    tables,
    rows,
    refused: { isError: refused.isError ?? false, content: refused.structuredContent ?? refused.content },
  }));
} catch (e) {
  console.error(e?.stack ?? String(e));
  process.exit(1);
}
