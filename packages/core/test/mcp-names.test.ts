import { deprecatedAttributes, registry } from "@otel-agents/testing/registry";
import { describe, expect, it } from "vitest";
import {
  MCP_ATTR,
  MCP_METHOD,
  MCP_METRICS,
  MCP_SPAN_TYPE,
  MCP_SPAN_TYPE_ATTRIBUTES,
  NETWORK_TRANSPORT,
} from "../src/semconv/mcp-names.js";

// The MCP table against the registry data, as test/semconv-table.test.ts does for the GenAI one.
describe("the core's MCP name table", () => {
  it("names only registry attributes, none deprecated", () => {
    for (const key of Object.values(MCP_ATTR)) {
      expect(registry.attributes[key], key).toBeDefined();
      expect(deprecatedAttributes.has(key), key).toBe(false);
    }
  });

  it("lists each MCP span type's attributes exactly as the registry does, with its kind", () => {
    for (const id of Object.values(MCP_SPAN_TYPE)) {
      const reg = registry.spans[id];
      const fromRegistry = Object.keys(reg?.attributes ?? {})
        .filter((k) => k !== "gen_ai.prompt.variable")
        .sort();
      expect([...MCP_SPAN_TYPE_ATTRIBUTES[id]].sort(), id).toEqual(fromRegistry);
      expect(reg?.kind).toBe(id === "mcp.client" ? "client" : "server");
    }
  });

  it("defines every MCP metric as the registry does: instrument, unit, attributes", () => {
    expect(Object.keys(MCP_METRICS).sort()).toEqual(
      Object.keys(registry.metrics)
        .filter((m) => m.startsWith("mcp."))
        .sort(),
    );
    for (const [name, def] of Object.entries(MCP_METRICS)) {
      const reg = registry.metrics[name];
      expect(def.instrument, name).toBe(reg?.instrument);
      expect(def.unit, name).toBe(reg?.unit);
      const fromRegistry = Object.keys(reg?.attributes ?? {}).filter((k) => k !== "gen_ai.prompt.variable");
      expect([...def.attributes].sort(), name).toEqual(fromRegistry.sort());
    }
  });

  it("uses registry enum values for methods and transports", () => {
    const methods = registry.attributes["mcp.method.name"]?.enum ?? [];
    for (const m of Object.values(MCP_METHOD)) expect(methods).toContain(m);
    const transports = registry.attributes["network.transport"]?.enum ?? [];
    for (const t of Object.values(NETWORK_TRANSPORT)) expect(transports).toContain(t);
  });
});
