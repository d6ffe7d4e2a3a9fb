import type { OpenAIServer } from "@otel-agents/testing/openai-server";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { coexistenceWarnings, startApp } from "./app.js";
import { agentsTree, agentsWeather, type Client, canonical, langchainTree, langchainWeather, theirSpan } from "./frameworks.js";

// The BatchSpanProcessor alone: each model call is traced twice, and one diag line says so.
const app = await startApp(false);
afterAll(() => app.sdk.shutdown());
let server: OpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const clients: Client[] = ["openai 7 (OpenInference)", "openai 6 (contrib)"];

describe("SDK 3 NodeSDK, no CoexistenceSpanProcessor", () => {
  it.each(clients)("LangChain createAgent, %s: two model-call spans per call, theirs beside ours", async (client) => {
    server = await langchainWeather(client);
    const twice = ["chat gpt-4o-mini [CLIENT]", { [theirSpan(client)]: ["POST [CLIENT]"] }];
    expect(canonical(await app.tree())).toEqual(canonical(langchainTree(twice)));
  });

  it.each(clients)("OpenAI Agents, %s: two model-call spans per call, theirs under ours", async (client) => {
    server = await agentsWeather(client);
    expect(await app.tree()).toEqual(agentsTree({ "chat gpt-4o-mini [CLIENT]": [{ [theirSpan(client)]: ["POST [CLIENT]"] }] }));
  });

  it("one diag line for the whole process, naming CoexistenceSpanProcessor and where it goes", () => {
    expect(coexistenceWarnings()).toEqual([
      "otel-agents: @arizeai/openinference-instrumentation-openai traces the model calls that otel-agents traces too, " +
        "and spans are exported without CoexistenceSpanProcessor: each such model call gets two model-call spans. Wrap " +
        "the span processor that exports in it (NodeSDK `spanProcessors: [new CoexistenceSpanProcessor(new " +
        "BatchSpanProcessor(...))]`, CoexistenceSpanProcessor from @otel-agents/core), or use setup(), which installs it.",
    ]);
  });
});
