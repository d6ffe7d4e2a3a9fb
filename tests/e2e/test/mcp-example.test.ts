import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

// `npm run example -- mcp` as a test: the example's own entry point in a child process (it starts
// its MCP server in a grandchild over stdio), its printed tree read back with the timings masked.
const main = fileURLToPath(new URL("../../../examples/mcp/src/main.ts", import.meta.url));

describe("examples/mcp", () => {
  it("prints one tree: the agent's execute_tool > MCP client span > the server process's span > the tool's own span", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [main], {
      cwd: fileURLToPath(new URL("../../../examples/mcp/", import.meta.url)),
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: "", OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "" },
      timeout: 60_000,
    });
    const lines = stdout
      .trim()
      .split("\n")
      .map((l) => l.replace(/\b[0-9a-f]{32}\b/, "<trace>").replace(/\d+(\.\d+)? ms/g, "<ms>"));
    expect(lines).toEqual([
      "trace <trace>  service weather-agent",
      "└─ invoke_agent weather-agent  <ms>  tokens 159 in / 25 out  finish tool_call,stop",
      "   ├─ chat gpt-4o  <ms>  openai  model gpt-4o-2024-08-06  tokens 61 in / 14 out  finish tool_call",
      "   ├─ execute_tool get_weather  <ms>",
      "   │  └─ tools/call get_weather  <ms>",
      "   │     └─ tools/call get_weather  <ms>  [weather-mcp]",
      "   │        └─ lookup forecast  <ms>",
      "   └─ chat gpt-4o  <ms>  openai  model gpt-4o-2024-08-06  tokens 98 in / 11 out  finish stop",
      "",
      "answer: It is 21°C and sunny in Paris.",
    ]);
  }, 60_000);
});
