import { validateContentAttribute } from "@otel-agents/testing/content-schemas";
import { describe, expect, it } from "vitest";
import { inputMessages, outputMessages, systemInstructions } from "../src/map-messages.js";

describe("map-messages", () => {
  it("converts AI SDK prompt messages with media, tool calls and tool results to semconv input messages", () => {
    const messages = inputMessages([
      {
        role: "user",
        content: [
          { type: "text", text: "What is in these?" },
          { type: "image", image: new Uint8Array([104, 105]), mediaType: "image/png" },
          { type: "image", image: new URL("https://example.com/cat.jpg") },
          { type: "file", data: { type: "reference", reference: { openai: "file-123" } }, mediaType: "application/pdf" },
        ],
      },
      { role: "assistant", content: [{ type: "tool-call", toolCallId: "c1", toolName: "look", input: { at: "pdf" } }] },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "c1", toolName: "look", output: { type: "json", value: { pages: 2 } } },
          { type: "tool-result", toolCallId: "c2", toolName: "look", output: { type: "error-text", value: "denied" } },
        ],
      },
    ]);
    expect(messages).toEqual([
      {
        role: "user",
        parts: [
          { type: "text", content: "What is in these?" },
          { type: "blob", modality: "image", mime_type: "image/png", content: "aGk=" },
          { type: "uri", modality: "image", mime_type: null, uri: "https://example.com/cat.jpg" },
          { type: "file", modality: "document", mime_type: "application/pdf", file_id: "file-123" },
        ],
      },
      { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "look", arguments: { at: "pdf" } }] },
      {
        role: "tool",
        parts: [
          { type: "tool_call_response", id: "c1", response: { pages: 2 } },
          { type: "tool_call_response", id: "c2", response: "denied" },
        ],
      },
    ]);
    expect(validateContentAttribute("gen_ai.input.messages", JSON.stringify(messages))).toEqual([]);
  });

  it("converts a model call's content to one assistant message, leaving out client-side tool results", () => {
    const out = outputMessages([
      { type: "reasoning", text: "thinking" },
      { type: "text", text: "Here." },
      { type: "tool-call", toolCallId: "c1", toolName: "look", input: { at: "x" } },
      { type: "tool-result", toolCallId: "c1", toolName: "look", input: { at: "x" }, output: "seen" },
    ]);
    expect(out).toEqual([
      {
        role: "assistant",
        parts: [
          { type: "reasoning", content: "thinking" },
          { type: "text", content: "Here." },
          { type: "tool_call", id: "c1", name: "look", arguments: { at: "x" } },
        ],
      },
    ]);
    expect(validateContentAttribute("gen_ai.output.messages", JSON.stringify(out))).toEqual([]);
  });

  it("reads instructions given as a string, a system message or several", () => {
    expect(systemInstructions("Be brief.")).toEqual([{ type: "text", content: "Be brief." }]);
    expect(
      systemInstructions([
        { role: "system", content: "A" },
        { role: "system", content: "B" },
      ]),
    ).toEqual([
      { type: "text", content: "A" },
      { type: "text", content: "B" },
    ]);
    expect(systemInstructions(undefined)).toBeUndefined();
  });
});
