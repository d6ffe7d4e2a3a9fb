import { aiSdkClientPrototype } from "./ai-sdk-client-hooks.js";
import { loadModuleCopies } from "./optional-modules.js";

/** A class prototype the Instrumentation patches, and how. */
export interface PatchTarget {
  /** The prototype (v1/v2 `Client`/`Server`, the AI SDK's MCP client). */
  prototype: object;
  kind: "protocol-client" | "protocol-server" | "ai-sdk-client";
  /** For the diag line when it cannot be patched. */
  label: string;
}

function classPrototypes(pkg: string, subpath: string, exportName: string): object[] {
  const out: object[] = [];
  for (const mod of loadModuleCopies(pkg, subpath)) {
    const cls = mod[exportName];
    if (typeof cls === "function" && typeof cls.prototype === "object" && cls.prototype !== null) out.push(cls.prototype);
  }
  return out;
}

/**
 * Every MCP client and server class installed beside this adapter, in each copy an app can import
 * (ES module and CommonJS): the v1 SDK's `Client` and `Server` (so every `McpServer`), the v2
 * packages' `Client` and `Server`, and the AI SDK's MCP client. Packages not installed are skipped.
 */
export function findPatchTargets(): PatchTarget[] {
  const targets: PatchTarget[] = [];
  const add = (kind: PatchTarget["kind"], label: string, prototypes: object[]) => {
    for (const prototype of prototypes) targets.push({ prototype, kind, label });
  };
  add(
    "protocol-client",
    "@modelcontextprotocol/sdk Client",
    classPrototypes("@modelcontextprotocol/sdk", "./client/index.js", "Client"),
  );
  add(
    "protocol-server",
    "@modelcontextprotocol/sdk Server",
    classPrototypes("@modelcontextprotocol/sdk", "./server/index.js", "Server"),
  );
  add("protocol-client", "@modelcontextprotocol/client Client", classPrototypes("@modelcontextprotocol/client", ".", "Client"));
  add("protocol-server", "@modelcontextprotocol/server Server", classPrototypes("@modelcontextprotocol/server", ".", "Server"));
  for (const mod of loadModuleCopies("@ai-sdk/mcp", ".")) {
    const prototype = aiSdkClientPrototype(mod.createMCPClient);
    if (prototype) add("ai-sdk-client", "@ai-sdk/mcp client", [prototype]);
  }
  return targets;
}
