import type { RequestedToolCall } from "./model-facts.js";

/** What a tool span learns from the model call that asked for it. */
export interface ToolCallFacts {
  callId: string | undefined;
  description: string | undefined;
}

/**
 * The tool calls one turn's model asked for, and the descriptions of the tools it was given: a
 * function span of the turn takes its call id (same name, same arguments first) and description
 * from here. The Agents SDK's function span carries neither.
 */
export class ToolCalls {
  private readonly requested: RequestedToolCall[] = [];
  private descriptions: Map<string, string> | undefined;
  /**
   * The model asked for a tool call, whether or not one ran: a call that waits for a human's
   * approval ends the run with no tool span, yet the model's answer was a tool call.
   */
  asked = false;

  /** Calls a model response asked for (its Responses/Chat Completions span). */
  add(calls: readonly RequestedToolCall[]): void {
    for (const c of calls) this.requested.push(c);
    if (calls.length > 0) this.asked = true;
  }

  /** Calls `instrumentModel` saw: only those with a call id not listed yet. */
  addNew(calls: readonly RequestedToolCall[]): void {
    for (const c of calls) if (!this.requested.some((t) => t.callId === c.callId)) this.requested.push(c);
    if (calls.length > 0) this.asked = true;
  }

  /** Tool name -> description; later ones win. */
  describe(descriptions: ReadonlyMap<string, string>): void {
    if (!this.descriptions) this.descriptions = new Map(descriptions);
    else for (const [name, description] of descriptions) this.descriptions.set(name, description);
  }

  /**
   * The call id and description for a tool span named `name` that ran with `input`; the call it
   * matched is taken off the list. Undefined when neither is known.
   */
  claim(name: string, input: string): ToolCallFacts | undefined {
    const callId = this.match(name, input);
    const description = this.descriptions?.get(name);
    return callId || description ? { callId, description } : undefined;
  }

  private match(name: string, input: string): string | undefined {
    // The first call of that name with those arguments, else the first of that name.
    const requested = this.requested;
    let hit = -1;
    for (let i = 0; i < requested.length; i++) {
      const c = requested[i] as RequestedToolCall;
      if (c.name !== name) continue;
      if (c.arguments === input) {
        hit = i;
        break;
      }
      if (hit < 0) hit = i;
    }
    if (hit < 0) return undefined;
    return (requested.splice(hit, 1)[0] as RequestedToolCall).callId;
  }
}
