import { realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

// The same suites as the SDK 2 projects, with every OpenTelemetry package (and the test harness)
// resolved to this package's SDK 3 line.
const here = path.dirname(fileURLToPath(import.meta.url));
const pkgDir = (name: string) => realpathSync(path.join(here, "node_modules", name));
const sdk3 = [
  "@opentelemetry/api",
  "@opentelemetry/context-async-hooks",
  "@opentelemetry/core",
  "@opentelemetry/resources",
  "@opentelemetry/sdk-metrics",
  "@opentelemetry/sdk-trace",
  "@opentelemetry/exporter-trace-otlp-proto",
  "@opentelemetry/exporter-trace-otlp-http",
  "@opentelemetry/exporter-metrics-otlp-http",
  "@opentelemetry/exporter-metrics-otlp-proto",
];

export default defineProject({
  resolve: {
    alias: [
      { find: /^@otel-agents\/testing\/harness$/, replacement: path.join(here, "harness-sdk3.ts") },
      ...sdk3.map((name) => ({ find: new RegExp(`^${name.replace("/", "\\/")}$`), replacement: pkgDir(name) })),
    ],
  },
  test: {
    name: "sdk3",
    dir: path.join(here, "../../packages"),
    include: ["core/test/**/*.test.ts"],
    env: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "" },
  },
});
