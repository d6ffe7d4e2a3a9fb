import { context, propagation, type Tracer } from "@opentelemetry/api";
import type { TreeNode } from "@otel-agents/testing/span-tree";
import { tool } from "ai";
import { z } from "zod";

/**
 * The `weather` tool of the loop both suites run: its body records `fetch forecast` through `app`
 * and keeps the `traceparent` an HTTP client would send from where it runs.
 */
export function weatherTool(app: Tracer) {
  let traceparent: string | undefined;
  const weather = tool({
    description: "Gets the weather",
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      const headers: Record<string, string> = {};
      propagation.inject(context.active(), headers);
      traceparent = headers.traceparent;
      app.startSpan("fetch forecast").end();
      return { city, sky: "sunny" };
    },
  });
  return { weather, traceparent: () => traceparent };
}

/**
 * The tree of the weather tool loop both suites run (`weather-agent` asks `gpt-4o`, calls the
 * `weather` tool with call id `call_1`, whose body records `fetch forecast`, and answers): the
 * agent over its two model calls, given as `firstChat` and `secondChat`, and the tool between them.
 */
export function weatherAgentTree(firstChat: TreeNode, secondChat: TreeNode): TreeNode[] {
  return [
    {
      name: "invoke_agent weather-agent",
      kind: "INTERNAL",
      status: "UNSET",
      attributes: {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "weather-agent",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": 250,
        "gen_ai.usage.output_tokens": 28,
        "gen_ai.response.finish_reasons": ["tool_call", "stop"],
      },
      children: [
        firstChat,
        {
          name: "execute_tool weather",
          kind: "INTERNAL",
          status: "UNSET",
          attributes: {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.agent.name": "weather-agent",
            "gen_ai.tool.name": "weather",
            "gen_ai.tool.call.id": "call_1",
            "gen_ai.tool.type": "function",
          },
          children: [{ name: "fetch forecast", kind: "INTERNAL", status: "UNSET", attributes: {}, children: [] }],
        },
        secondChat,
      ],
    },
  ];
}

/** A `gpt-4o` model call's span attributes in these suites (OpenAI Chat Completions mocks), plus `extra`. */
export const chatAttrs = (
  id: string,
  reasons: string[],
  input: number,
  output: number,
  extra: TreeNode["attributes"] = {},
): TreeNode["attributes"] => ({
  "gen_ai.operation.name": "chat",
  "gen_ai.provider.name": "openai",
  "gen_ai.request.model": "gpt-4o",
  "openai.api.type": "chat_completions",
  "gen_ai.response.model": "gpt-4o-2024-08-06",
  "gen_ai.response.id": id,
  "gen_ai.response.finish_reasons": reasons,
  "gen_ai.usage.input_tokens": input,
  "gen_ai.usage.output_tokens": output,
  ...extra,
});
