import type { Workload } from "../arm.ts";

/** Loaded lazily: each workload process imports only its own framework and peers. */
export const WORKLOADS: Record<string, () => Promise<Workload>> = {
  "langchain-agent": async () => (await import("./langchain-agent.ts")).langchainAgent,
  langgraph: async () => (await import("./langgraph.ts")).langgraph,
  "ai-sdk-generate": async () => (await import("./ai-sdk.ts")).aiSdkGenerate,
  "ai-sdk-stream": async () => (await import("./ai-sdk.ts")).aiSdkStream,
  "openai-agents": async () => (await import("./openai-agents.ts")).openaiAgents,
  "mcp-tool-call": async () => (await import("./mcp.ts")).mcpToolCall,
};
