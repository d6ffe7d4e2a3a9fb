import { type DiagLogger, DiagLogLevel, diag } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { warnNoSdkOnce } from "../src/adapter/no-sdk-warning.js";

function captureDiag(): string[] {
  const lines: string[] = [];
  const log = (message: string) => lines.push(message);
  const logger: DiagLogger = { error: log, warn: log, info: () => {}, debug: () => {}, verbose: () => {} };
  diag.setLogger(logger, DiagLogLevel.WARN);
  return lines;
}

afterEach(() => diag.disable());

describe("warnNoSdkOnce", () => {
  it("says once per adapter, through diag, what is not recorded and how to fix it", () => {
    const lines = captureDiag();
    warnNoSdkOnce("otel-agents/test-a", "a test run started", "Start the SDK first.");
    warnNoSdkOnce("otel-agents/test-a", "a test run started", "Start the SDK first.");
    warnNoSdkOnce("otel-agents/test-b", "another run started", "Start it.");
    expect(lines).toEqual([
      "otel-agents/test-a: a test run started, but no OpenTelemetry SDK is registered (no tracer provider and no meter provider), so it is not recorded. Start the SDK first.",
      "otel-agents/test-b: another run started, but no OpenTelemetry SDK is registered (no tracer provider and no meter provider), so it is not recorded. Start it.",
    ]);
  });
});
