import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { BASE_NS, chat, hex, type SpanSpec, send } from "./otlp-json.js";
import { hasChromium, pageSession } from "./page-harness.js";

// What the viewer reads out of spans beyond the current GenAI conventions, as a user sees it.
describe.skipIf(!hasChromium)("the page reads other instrumentations, prices, open spans, MCP and links", () => {
  const session = pageSession();
  const { viewer, open } = session;

  const row = (page: Page, n: number) => page.locator(`.waterfall .row[data-span-id="${hex(n, 8)}"]`);

  it("counts OpenInference spans' tokens and model calls and renders their messages", async () => {
    const v = await viewer();
    const t = hex(0x40, 16);
    const spans: SpanSpec[] = [
      { traceId: t, spanId: hex(1, 8), name: "agent", start: 0, end: 100, attributes: { "openinference.span.kind": "AGENT" } },
      {
        traceId: t,
        spanId: hex(2, 8),
        parentSpanId: hex(1, 8),
        name: "ChatOpenAI",
        start: 1,
        end: 40,
        attributes: {
          "openinference.span.kind": "LLM",
          "llm.model_name": "gpt-4o-mini",
          "llm.provider": "openai",
          "llm.token_count.prompt": 100,
          "llm.token_count.completion": 20,
          "llm.token_count.prompt_details.cache_read": 40,
          "llm.input_messages.0.message.role": "system",
          "llm.input_messages.0.message.content": "Be brief.",
          "llm.input_messages.1.message.role": "user",
          "llm.input_messages.1.message.content": "What is 2+2?",
          "llm.output_messages.0.message.role": "assistant",
          "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "calc",
          "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": '{"x":"2+2"}',
        },
      },
      {
        traceId: t,
        spanId: hex(3, 8),
        parentSpanId: hex(1, 8),
        name: "calc",
        start: 41,
        end: 50,
        attributes: { "openinference.span.kind": "TOOL", "tool.name": "calc" },
      },
    ];
    await send(v.otlpUrl, spans);
    const page = await open(`${v.url}/#/trace/${t}/${hex(2, 8)}`);
    await page.waitForSelector(".span-panel .message");
    const header = await page.locator(".trace-facts").textContent();
    expect(header).toContain("1 model call · 1 tool call");
    expect(header).toContain("tokens 100 in · 20 out · 40 cache read");
    expect(await row(page, 2).getAttribute("data-category")).toBe("chat");
    // Priced as gpt-4o-mini: (60 · 0.15 + 40 cached · 0.075 + 20 · 0.6) / 10⁶ USD.
    expect(await row(page, 2).locator(".facts").textContent()).toBe("gpt-4o-mini · 100→20 tok · $0.000024");
    expect(await row(page, 3).getAttribute("data-category")).toBe("tool");
    expect(await row(page, 1).getAttribute("data-category")).toBe("agent");
    const roles = await page.$$eval(".span-panel .message", (els) => els.map((e) => e.getAttribute("data-role")));
    expect(roles).toEqual(["system", "user", "assistant"]);
    expect(await page.locator('.span-panel .message[data-role="user"]').textContent()).toContain("What is 2+2?");
    expect(await page.locator(".span-panel .part.tool-call").textContent()).toContain("calc");
    expect(await page.locator(".span-panel .convention").textContent()).toContain("OpenInference");
    const cells = await page.$$eval(`tr[data-trace-id="${t}"] td`, (els) => els.map((e) => e.textContent));
    // model calls, tool calls, input tokens
    expect(cells.slice(4, 7)).toEqual(["1", "1", "100"]);
  });

  it("renders structured messages (arrayValue / kvlistValue) as it renders their JSON strings, with no conformance problem", async () => {
    const v = await viewer();
    const t = hex(0x4c, 16);
    await send(v.otlpUrl, [
      {
        traceId: t,
        spanId: hex(1, 8),
        name: "chat gpt-4o-mini",
        kind: 3,
        start: 0,
        end: 10,
        attributes: chat({
          "gen_ai.system_instructions": [{ type: "text", content: "STRUCTURED-SYSTEM" }],
          "gen_ai.input.messages": [{ role: "user", parts: [{ type: "text", content: "STRUCTURED-QUESTION" }] }],
          "gen_ai.output.messages": [
            { role: "assistant", parts: [{ type: "text", content: "STRUCTURED-ANSWER" }], finish_reason: "stop" },
          ],
          "gen_ai.tool.definitions": [
            {
              type: "function",
              name: "get_weather",
              description: "The weather in a city",
              parameters: { type: "object", properties: { city: { type: "string" } } },
            },
          ],
        }),
      },
    ]);
    const page = await open(`${v.url}/#/trace/${t}/${hex(1, 8)}`);
    await page.waitForSelector(".span-panel");
    expect(await page.locator(".span-panel .capture-hint").count()).toBe(0);
    const roles = await page.$$eval(".span-panel .message", (els) => els.map((e) => e.getAttribute("data-role")));
    expect(roles).toEqual(["system", "user", "assistant"]);
    expect(await page.locator('.span-panel .message[data-role="system"]').textContent()).toContain("STRUCTURED-SYSTEM");
    expect(await page.locator('.span-panel .message[data-role="user"]').textContent()).toContain("STRUCTURED-QUESTION");
    expect(await page.locator('.span-panel .message[data-role="assistant"]').textContent()).toContain("STRUCTURED-ANSWER");
    expect(await page.locator(".span-panel .tool-definitions summary").textContent()).toBe("1 tool definition");
    expect(await page.locator(".span-panel .violations").count()).toBe(0);
    expect(await row(page, 1).locator(".conformance-badge").count()).toBe(0);
  });

  it("counts OpenLLMetry spans' tokens and model calls and renders their prompts and completions", async () => {
    const v = await viewer();
    const t = hex(0x41, 16);
    await send(v.otlpUrl, [
      {
        traceId: t,
        spanId: hex(1, 8),
        name: "joke.workflow",
        start: 0,
        end: 100,
        attributes: { "traceloop.span.kind": "workflow", "traceloop.entity.name": "joke" },
      },
      {
        traceId: t,
        spanId: hex(2, 8),
        parentSpanId: hex(1, 8),
        name: "openai.chat",
        kind: 3,
        start: 1,
        end: 40,
        attributes: {
          "llm.request.type": "chat",
          "gen_ai.system": "OpenAI",
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.usage.prompt_tokens": 50,
          "gen_ai.usage.completion_tokens": 7,
          "llm.usage.total_tokens": 57,
          "gen_ai.prompt.0.role": "user",
          "gen_ai.prompt.0.content": "Tell me a joke",
          "gen_ai.completion.0.role": "assistant",
          "gen_ai.completion.0.content": "Why did the span cross the process?",
          "gen_ai.completion.0.finish_reason": "stop",
        },
      },
    ]);
    const page = await open(`${v.url}/#/trace/${t}/${hex(2, 8)}`);
    await page.waitForSelector(".span-panel .message");
    const header = await page.locator(".trace-facts").textContent();
    expect(header).toContain("1 model call");
    expect(header).toContain("tokens 50 in · 7 out");
    expect(await row(page, 2).getAttribute("data-category")).toBe("chat");
    expect(await row(page, 1).getAttribute("data-category")).toBe("workflow");
    expect(await page.locator('.span-panel .message[data-role="user"]').textContent()).toContain("Tell me a joke");
    const answer = (await page.locator('.span-panel .message[data-role="assistant"]').textContent())!.toLowerCase();
    expect(answer).toContain("why did the span cross the process?");
    expect(answer).toContain("stop");
    expect(await page.locator(".span-panel .convention").textContent()).toContain("OpenLLMetry");
  });

  it("draws MCP spans as their own kind, and the hop into the MCP server's process like a service hop", async () => {
    const v = await viewer();
    const t = hex(0x42, 16);
    const at = (ms: number) => String(BASE_NS + BigInt(ms * 1e6));
    const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const span = (
      n: number,
      parent: number | undefined,
      name: string,
      start: number,
      end: number,
      attributes: object[],
      flags?: number,
    ) => ({
      traceId: t,
      spanId: hex(n, 8),
      ...(parent ? { parentSpanId: hex(parent, 8) } : {}),
      name,
      kind: 1,
      startTimeUnixNano: at(start),
      endTimeUnixNano: at(end),
      attributes,
      ...(flags !== undefined ? { flags } : {}),
    });
    // One service in two processes (an agent and the MCP server it starts over stdio): only the pid differs.
    const process = (pid: number, spans: object[]) => ({
      resource: { attributes: [str("service.name", "weather-app"), { key: "process.pid", value: { intValue: String(pid) } }] },
      scopeSpans: [{ scope: { name: "hand-written" }, spans }],
    });
    const mcpCall = [
      str("mcp.method.name", "tools/call"),
      str("gen_ai.operation.name", "execute_tool"),
      str("gen_ai.tool.name", "get_weather"),
    ];
    const body = {
      resourceSpans: [
        process(100, [
          span(1, undefined, "invoke_agent Weather", 0, 100, [str("gen_ai.operation.name", "invoke_agent")]),
          span(2, 1, "execute_tool get_weather", 10, 60, [
            str("gen_ai.operation.name", "execute_tool"),
            str("gen_ai.tool.name", "get_weather"),
          ]),
          span(3, 2, "tools/call get_weather", 11, 59, mcpCall),
        ]),
        // 0x300: the parent is known to be remote (OTLP span flags).
        process(200, [span(4, 3, "tools/call get_weather", 20, 50, mcpCall, 0x300), span(5, 4, "fetch forecast", 21, 49, [])]),
      ],
    };
    const res = await fetch(`${v.otlpUrl}/v1/traces`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(200);
    const page = await open(`${v.url}/#/trace/${t}`);
    await page.waitForSelector(".waterfall .row[data-span-id]");
    const rows = await page.$$eval(".waterfall .row[data-span-id]", (els) =>
      els.map((el) => [
        el.querySelector(".span-name")?.textContent,
        el.getAttribute("data-category"),
        el.querySelector(".badge")?.textContent ?? null,
        el.querySelector(".hop")?.textContent ?? null,
      ]),
    );
    expect(rows).toEqual([
      ["invoke_agent Weather", "agent", "agent", null],
      ["execute_tool get_weather", "tool", "tool", null],
      ["tools/call get_weather", "mcp", "mcp", null],
      ["tools/call get_weather", "mcp", "mcp", "⇢ weather-app (pid 200)"],
      ["fetch forecast", "other", null, null],
    ]);
  });

  it("flags spans whose parent never ended once the trace stops growing, on a clock the test moves", async () => {
    let nowMs = 1_800_000_000_000;
    const v = await viewer({ quietPeriodMs: 5000, now: () => nowMs });
    const t = hex(0x43, 16);
    // The agent span (1) is still open: only its children were exported.
    await send(v.otlpUrl, [
      { traceId: t, spanId: hex(2, 8), parentSpanId: hex(1, 8), name: "chat step", start: 1, end: 10 },
      { traceId: t, spanId: hex(3, 8), parentSpanId: hex(1, 8), name: "execute_tool t", start: 11, end: 20 },
    ]);
    const page = await open(`${v.url}/#/trace/${t}`);
    await page.waitForSelector(".waterfall .row[data-span-id]");
    // Still growing (the parent may be running): nothing said yet.
    expect(await page.locator(".never-ended-badge").count()).toBe(0);
    expect(await page.locator(".never-ended-count").count()).toBe(0);
    nowMs += 4000;
    await send(v.otlpUrl, [{ traceId: t, spanId: hex(4, 8), parentSpanId: hex(1, 8), name: "chat again", start: 21, end: 30 }]);
    nowMs += 4999;
    await page.reload();
    await page.waitForSelector(".waterfall .row[data-span-id]");
    expect(await page.locator(".never-ended-badge").count()).toBe(0);
    nowMs += 1;
    await page.reload();
    await page.waitForSelector(".never-ended-count");
    expect(await page.locator(".never-ended-count").textContent()).toBe("⏳ 1 span never ended");
    expect(await page.locator(".never-ended-badge").count()).toBe(3);
    await row(page, 2).click();
    const hint = await page.locator(".span-panel .integrity-problems").textContent();
    expect(hint).toContain(
      `never ended: its parent ${hex(1, 8)} was still open when the trace stopped growing (no span for 5 s)`,
    );
  });
  it("lists a span's links and opens the linked span in its own trace (a run resumed after an approval)", async () => {
    const v = await viewer();
    const [paused, resumed] = [hex(0x44, 16), hex(0x45, 16)];
    await send(v.otlpUrl, [
      { traceId: paused, spanId: hex(1, 8), name: "invoke_agent Support", start: 0, end: 50 },
      { traceId: paused, spanId: hex(2, 8), parentSpanId: hex(1, 8), name: "chat", start: 1, end: 40 },
      {
        traceId: resumed,
        spanId: hex(3, 8),
        name: "invoke_agent Support",
        start: 60_000,
        end: 60_050,
        links: [{ traceId: paused, spanId: hex(1, 8) }],
      },
    ]);
    const page = await open(`${v.url}/#/trace/${resumed}/${hex(3, 8)}`);
    await page.waitForSelector(".span-panel .span-links");
    expect(await page.locator(".span-panel .span-links li").allTextContents()).toEqual([`span ${hex(1, 8)} in trace ${paused}`]);
    await page.locator(".span-panel .span-link").click();
    await page.waitForSelector(`.span-panel[data-span-id="${hex(1, 8)}"]`);
    expect(await page.locator(".span-panel h2").textContent()).toBe("invoke_agent Support");
    expect(await row(page, 2).count()).toBe(1);
    // The paused run's span links nowhere: no section.
    expect(await page.locator(".span-panel .links").count()).toBe(0);
  });
});
