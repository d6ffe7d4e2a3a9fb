import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ATTR, LANGCHAIN_ATTR, OPENAI_AGENTS_ATTR, OTEL_AGENTS_ATTR } from "../src/semconv/names.js";

const script = fileURLToPath(new URL("../../../scripts/gen-semconv.mjs", import.meta.url));

// The generated tables are committed: a registry refresh is `pnpm gen:semconv` plus review, and
// nobody edits them by hand.
describe("the generated convention tables", () => {
  it("are what scripts/gen-semconv.mjs makes from the registry data, byte for byte", () => {
    expect(() => execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" })).not.toThrow();
  });

  it("keep every attribute key of 0.1 with its name", () => {
    expect(ATTR).toMatchObject({
      operationName: "gen_ai.operation.name",
      providerName: "gen_ai.provider.name",
      requestModel: "gen_ai.request.model",
      requestMaxTokens: "gen_ai.request.max_tokens",
      requestTemperature: "gen_ai.request.temperature",
      requestTopP: "gen_ai.request.top_p",
      requestTopK: "gen_ai.request.top_k",
      requestStopSequences: "gen_ai.request.stop_sequences",
      requestFrequencyPenalty: "gen_ai.request.frequency_penalty",
      requestPresencePenalty: "gen_ai.request.presence_penalty",
      requestSeed: "gen_ai.request.seed",
      requestChoiceCount: "gen_ai.request.choice.count",
      requestStream: "gen_ai.request.stream",
      requestReasoningLevel: "gen_ai.request.reasoning.level",
      requestPreviousResponseId: "gen_ai.request.previous_response.id",
      requestEncodingFormats: "gen_ai.request.encoding_formats",
      requestStreamCursor: "gen_ai.request.stream_cursor",
      outputType: "gen_ai.output.type",
      responseId: "gen_ai.response.id",
      responseModel: "gen_ai.response.model",
      responseFinishReasons: "gen_ai.response.finish_reasons",
      responseTimeToFirstChunk: "gen_ai.response.time_to_first_chunk",
      responseStatus: "gen_ai.response.status",
      usageInputTokens: "gen_ai.usage.input_tokens",
      usageOutputTokens: "gen_ai.usage.output_tokens",
      usageCacheReadInputTokens: "gen_ai.usage.cache_read.input_tokens",
      usageCacheWriteInputTokens: "gen_ai.usage.cache_write.input_tokens",
      usageReasoningOutputTokens: "gen_ai.usage.reasoning.output_tokens",
      usageTextInputTokens: "gen_ai.usage.text.input_tokens",
      usageImageInputTokens: "gen_ai.usage.image.input_tokens",
      usageAudioInputTokens: "gen_ai.usage.audio.input_tokens",
      usageTextOutputTokens: "gen_ai.usage.text.output_tokens",
      usageImageOutputTokens: "gen_ai.usage.image.output_tokens",
      usageAudioOutputTokens: "gen_ai.usage.audio.output_tokens",
      usageTextCacheReadInputTokens: "gen_ai.usage.text.cache_read.input_tokens",
      usageImageCacheReadInputTokens: "gen_ai.usage.image.cache_read.input_tokens",
      usageAudioCacheReadInputTokens: "gen_ai.usage.audio.cache_read.input_tokens",
      embeddingsDimensionCount: "gen_ai.embeddings.dimension.count",
      agentName: "gen_ai.agent.name",
      agentId: "gen_ai.agent.id",
      agentDescription: "gen_ai.agent.description",
      agentVersion: "gen_ai.agent.version",
      toolName: "gen_ai.tool.name",
      toolType: "gen_ai.tool.type",
      toolCallId: "gen_ai.tool.call.id",
      toolDescription: "gen_ai.tool.description",
      toolCallArguments: "gen_ai.tool.call.arguments",
      toolCallResult: "gen_ai.tool.call.result",
      toolDefinitions: "gen_ai.tool.definitions",
      workflowName: "gen_ai.workflow.name",
      conversationId: "gen_ai.conversation.id",
      conversationCompacted: "gen_ai.conversation.compacted",
      dataSourceId: "gen_ai.data_source.id",
      retrievalQueryText: "gen_ai.retrieval.query.text",
      retrievalTopK: "gen_ai.retrieval.top_k",
      retrievalDocuments: "gen_ai.retrieval.documents",
      promptName: "gen_ai.prompt.name",
      promptVersion: "gen_ai.prompt.version",
      inputMessages: "gen_ai.input.messages",
      outputMessages: "gen_ai.output.messages",
      systemInstructions: "gen_ai.system_instructions",
      tokenModality: "gen_ai.token.modality",
      serverAddress: "server.address",
      serverPort: "server.port",
      errorType: "error.type",
      exceptionType: "exception.type",
      exceptionMessage: "exception.message",
      exceptionStacktrace: "exception.stacktrace",
      openaiApiType: "openai.api.type",
      openaiRequestServiceTier: "openai.request.service_tier",
      openaiResponseServiceTier: "openai.response.service_tier",
      openaiResponseSystemFingerprint: "openai.response.system_fingerprint",
    });
  });

  it("keep our own names under otel_agents.*, framework extras under the framework's name", () => {
    for (const name of [...Object.values(OTEL_AGENTS_ATTR), ...Object.values(OPENAI_AGENTS_ATTR)]) {
      expect(name).toMatch(/^otel_agents\.[a-z_.]+$/);
    }
    for (const name of Object.values(LANGCHAIN_ATTR)) expect(name).toMatch(/^(langgraph|langchain)\.[a-z_]+$/);
    const all = [
      ...Object.values(ATTR),
      ...Object.values(OTEL_AGENTS_ATTR),
      ...Object.values(OPENAI_AGENTS_ATTR),
      ...Object.values(LANGCHAIN_ATTR),
    ];
    expect(new Set(all).size).toBe(all.length);
  });
});
