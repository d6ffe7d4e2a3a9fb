// `@langchain/core/testing` (`fakeModel()`, `FakeBuiltModel`) first shipped in @langchain/core 1.1.40.
// For the oldest core this suite runs on, the adapter's tests get this port of the 1.4.0 builder,
// written against the public entry points of the installed core: a real BaseChatModel, run by
// LangChain itself (not a mock of the framework), with the same class name, ids and queue semantics.
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { BaseChatModel, type BaseChatModelCallOptions } from "@langchain/core/language_models/chat_models";
import { AIMessage, BaseMessage, type ToolCall } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { RunnableLambda } from "@langchain/core/runnables";

type Entry =
  | { kind: "message"; message: BaseMessage }
  | { kind: "error"; error: Error }
  | { kind: "factory"; factory: (messages: BaseMessage[]) => BaseMessage | Error }
  | { kind: "toolCalls"; toolCalls: ToolCall[] };

let idCounter = 0;

function text(message: BaseMessage): string {
  return typeof message.content === "string" ? message.content : "";
}

export class FakeBuiltModel extends BaseChatModel {
  queue: Entry[] = [];
  _alwaysThrowError: Error | undefined;
  _structuredResponseValue: unknown;
  _tools: unknown[] = [];
  _state: { callIndex: number; calls: Array<{ messages: BaseMessage[]; options: unknown }> } = { callIndex: 0, calls: [] };

  get calls() {
    return this._state.calls;
  }

  get callCount() {
    return this._state.calls.length;
  }

  constructor() {
    super({});
  }

  _llmType(): string {
    return "fake-model-builder";
  }

  override _combineLLMOutput() {
    return [];
  }

  respond(entry: BaseMessage | Error | ((messages: BaseMessage[]) => BaseMessage | Error)): this {
    if (typeof entry === "function") this.queue.push({ kind: "factory", factory: entry });
    else if (entry instanceof BaseMessage) this.queue.push({ kind: "message", message: entry });
    else this.queue.push({ kind: "error", error: entry });
    return this;
  }

  respondWithTools(toolCalls: Array<{ name: string; args: Record<string, unknown>; id?: string }>): this {
    this.queue.push({
      kind: "toolCalls",
      toolCalls: toolCalls.map((tc) => ({
        name: tc.name,
        args: tc.args,
        id: tc.id ?? `fake_tc_${++idCounter}`,
        type: "tool_call",
      })),
    });
    return this;
  }

  alwaysThrow(error: Error): this {
    this._alwaysThrowError = error;
    return this;
  }

  structuredResponse(value: unknown): this {
    this._structuredResponseValue = value;
    return this;
  }

  // biome-ignore lint/suspicious/noExplicitAny: the base signature is generic over the tool shapes.
  override bindTools(tools: any[]): any {
    const next = new FakeBuiltModel();
    next.queue = this.queue;
    next._alwaysThrowError = this._alwaysThrowError;
    next._structuredResponseValue = this._structuredResponseValue;
    next._tools = [...this._tools, ...tools];
    next._state = this._state;
    return next.withConfig({});
  }

  // biome-ignore lint/suspicious/noExplicitAny: as in the original, the schema is ignored.
  override withStructuredOutput(): any {
    const value = this._structuredResponseValue;
    return RunnableLambda.from(async () => value);
  }

  async _generate(
    messages: BaseMessage[],
    options: BaseChatModelCallOptions,
    _runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    this._state.calls.push({ messages: [...messages], options });
    const index = this._state.callIndex;
    this._state.callIndex += 1;
    if (this._alwaysThrowError) throw this._alwaysThrowError;
    const entry = this.queue[index];
    if (!entry) throw new Error(`FakeModel: no response queued for invocation ${index} (${this.queue.length} total queued).`);
    if (entry.kind === "error") throw entry.error;
    if (entry.kind === "factory") {
      const result = entry.factory(messages);
      if (!(result instanceof BaseMessage)) throw result;
      return { generations: [{ text: "", message: result }] };
    }
    if (entry.kind === "message") return { generations: [{ text: "", message: entry.message }] };
    const content = messages.map(text).filter(Boolean).join("-");
    return {
      generations: [
        {
          text: content,
          message: new AIMessage({
            content,
            id: index.toString(),
            tool_calls: entry.toolCalls.length > 0 ? entry.toolCalls : undefined,
          }),
        },
      ],
      llmOutput: {},
    };
  }
}

export function fakeModel(): FakeBuiltModel {
  return new FakeBuiltModel();
}
