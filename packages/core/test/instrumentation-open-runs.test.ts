import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import type { OpenRuns } from "../src/adapter/options.js";
import {
  type FrameworkRegistration,
  GenAIInstrumentation,
  type GenAIInstrumentationConfig,
} from "../src/instrumentation/genai-instrumentation.js";

// A handler that counts runs the way an adapter's does: started, ended, or ended as orphans.
class FakeHandler implements OpenRuns {
  open = 0;
  endedAsOrphans = 0;
  get openRuns(): number {
    return this.open;
  }
  endOpenRuns(): number {
    const n = this.open;
    this.endedAsOrphans += n;
    this.open = 0;
    return n;
  }
}

class FakeInstrumentation extends GenAIInstrumentation {
  handlers: FakeHandler[] = [];
  constructor(config?: GenAIInstrumentationConfig) {
    // Enabled here, not in super(): this class's fields exist only once super() has returned.
    super("@otel-agents/fake", "0.0.0", { ...config, enabled: false });
    if (config?.enabled !== false) this.enable();
  }
  get current(): FakeHandler {
    return this.handlers[this.handlers.length - 1] as FakeHandler;
  }
  protected attach(): FrameworkRegistration {
    const handler = new FakeHandler();
    this.handlers.push(handler);
    return { detach: () => {}, runs: handler };
  }
}

describe("GenAIInstrumentation open runs", () => {
  it("counts and ends the registered handler's open runs", () => {
    const inst = new FakeInstrumentation();
    inst.current.open = 2;
    expect(inst.openRuns).toBe(2);
    expect(inst.endOpenRuns()).toBe(2);
    expect(inst.current.endedAsOrphans).toBe(2);
    expect(inst.openRuns).toBe(0);
  });

  it("still ends the runs of a handler a re-registration replaced, and forgets it once it has none", () => {
    const inst = new FakeInstrumentation();
    const first = inst.current;
    first.open = 1;
    // NodeSDK hands over its provider after constructing the instrumentation: a new handler.
    inst.setTracerProvider(new BasicTracerProvider());
    expect(inst.handlers).toHaveLength(2);
    inst.current.open = 3;
    expect(inst.openRuns).toBe(4);
    expect(inst.endOpenRuns()).toBe(4);
    expect(first.endedAsOrphans).toBe(1);
    // A retired handler whose runs all ended is no longer consulted.
    first.open = 5;
    expect(inst.openRuns).toBe(0);
  });

  it("a handler that throws costs only its own count", () => {
    const inst = new FakeInstrumentation();
    const first = inst.current;
    first.open = 1;
    inst.setTracerProvider(new BasicTracerProvider());
    inst.current.open = 2;
    Object.defineProperty(first, "openRuns", {
      get() {
        throw new Error("broken");
      },
    });
    first.endOpenRuns = () => {
      throw new Error("broken");
    };
    expect(inst.openRuns).toBe(2);
    expect(() => inst.endOpenRuns()).not.toThrow();
  });

  it("disabled: the runs begun before still count until they end", () => {
    const inst = new FakeInstrumentation();
    inst.current.open = 1;
    inst.disable();
    expect(inst.openRuns).toBe(1);
    expect(inst.endOpenRuns()).toBe(1);
  });
});
