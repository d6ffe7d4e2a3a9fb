import { LangChainInstrumentation } from "@otel-agents/langchain";
import { OpenAIAgentsInstrumentation } from "@otel-agents/openai-agents";
import type { OpenAIServer } from "@otel-agents/testing/openai-server";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { coexistenceWarnings, startApp } from "./app.js";
import { agentsTree, agentsWeather, type Client, langchainTree, langchainWeather } from "./frameworks.js";

// The shape the READMEs lead with: the adapters' Instrumentations in the app's NodeSDK, beside the
// provider instrumentations, the exporting processor wrapped in CoexistenceSpanProcessor.
const app = await startApp(true, [new LangChainInstrumentation(), new OpenAIAgentsInstrumentation()]);
afterAll(() => app.sdk.shutdown());
let server: OpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const clients: Client[] = ["openai 7 (OpenInference)", "openai 6 (contrib)"];

describe("SDK 3 NodeSDK with LangChainInstrumentation and OpenAIAgentsInstrumentation, CoexistenceSpanProcessor", () => {
  it.each(clients)("LangChain createAgent, %s: one chat span per model call, ours, the HTTP span under it", async (client) => {
    server = await langchainWeather(client, "instrumentation");
    expect(await app.tree()).toEqual(langchainTree([{ "chat gpt-4o-mini [CLIENT]": ["POST [CLIENT]"] }]));
  });

  it.each(clients)("OpenAI Agents, %s: one chat span per model call, ours, the HTTP span under it", async (client) => {
    server = await agentsWeather(client, "instrumentation");
    expect(await app.tree()).toEqual(agentsTree({ "chat gpt-4o-mini [CLIENT]": ["POST [CLIENT]"] }));
  });

  it("nothing said", () => {
    expect(coexistenceWarnings()).toEqual([]);
  });
});
