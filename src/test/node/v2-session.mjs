// A complete session against pg-mcp with the official MCP client 2.x (@modelcontextprotocol/client):
// connect, tools/list, execute_sql, resources/list, resources/read, an unknown tool, an unknown
// resource, close. Prints one JSON summary line on stdout; exits 1 with the error on stderr if a step
// that must succeed fails.
//
// Usage: node v2-session.mjs <mode> stdio <command> [args...]
//        node v2-session.mjs <mode> http <endpoint-url> [bearer-token]
// mode: modern  (negotiate, 2026-07-28 only: no fall back to initialize)
//       pinned  (exactly 2026-07-28)
//       auto    (negotiate, falling back to the 2025 handshake)
//       legacy  (the 2025 handshake only, the client's default)
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

const [mode, kind, target, ...rest] = process.argv.slice(2);
const MODERN = "2026-07-28";

function clientFor(mode) {
  const info = { name: "v2-session", version: "2.4.0" };
  switch (mode) {
    case "modern":
      return new Client(info, { versionNegotiation: { mode: "auto" }, supportedProtocolVersions: [MODERN] });
    case "pinned":
      return new Client(info, { versionNegotiation: { mode: { pin: MODERN } } });
    case "auto":
      return new Client(info, { versionNegotiation: { mode: "auto" } });
    case "legacy":
      return new Client(info);
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

function transportFor(kind) {
  if (kind === "stdio") {
    return new StdioClientTransport({ command: target, args: rest, env: { ...process.env }, stderr: "pipe" });
  }
  const token = rest[0];
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  return new StreamableHTTPClientTransport(new URL(target), { requestInit: { headers } });
}

/** @return the JSON-RPC error code a rejected call carries, and the client's name for the error */
async function errorOf(promise) {
  try {
    await promise;
    return null;
  } catch (e) {
    return { code: e?.code ?? e?.data?.code ?? null, name: e?.name ?? null, message: String(e?.message ?? e) };
  }
}

const steps = [];
const summary = { mode, transport: kind };
const client = clientFor(mode);
const transport = transportFor(kind);
const stderr = [];
if (kind === "stdio") {
  transport.stderr?.on("data", (chunk) => stderr.push(String(chunk)));
}
try {
  const connectStarted = performance.now();
  await client.connect(transport);
  summary.connectMs = Math.round(performance.now() - connectStarted);
  steps.push("connect");
  summary.era = client.getProtocolEra?.();
  summary.protocolVersion = client.getNegotiatedProtocolVersion?.();
  summary.server = client.getServerVersion()?.name;
  summary.sessionId = transport.sessionId ?? null;

  const tools = await client.listTools();
  summary.tools = tools.tools.map((t) => t.name);
  summary.toolsTtlMs = tools.ttlMs ?? null;
  steps.push("tools/list");

  const sql = await client.callTool({ name: "execute_sql", arguments: { sql: "SELECT 41 + 1 AS answer" } });
  summary.isError = sql.isError ?? false;
  summary.rows = sql.structuredContent?.result?.rows ?? null;
  steps.push("execute_sql");

  const resources = await client.listResources();
  summary.resources = resources.resources.map((r) => r.uri);
  summary.resourcesCacheScope = resources.cacheScope ?? null;
  steps.push("resources/list");

  const first = summary.resources[0];
  const read = await client.readResource({ uri: first });
  summary.readText = read.contents?.[0]?.text ?? null;
  steps.push("resources/read");

  summary.unknownTool = await errorOf(client.callTool({ name: "no_such_tool", arguments: {} }));
  steps.push("unknown tool");
  summary.unknownResource = await errorOf(client.readResource({ uri: "pgmcp://no/such/resource" }));
  steps.push("unknown resource");

  await client.close();
  steps.push("close");
  summary.steps = steps;
  console.log(JSON.stringify(summary));
} catch (e) {
  summary.steps = steps;
  console.error(JSON.stringify(summary));
  console.error(e?.stack ?? String(e));
  if (stderr.length) {
    console.error("server stderr:\n" + stderr.join("").slice(-4000));
  }
  await client.close().catch(() => {});
  process.exit(1);
}
