import { realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineProject, type Plugin } from "vitest/config";

// tests/nodesdk's suites with every OpenTelemetry package (and the app's SDK setup) resolved to
// this package's SDK 2 line.
const here = path.dirname(fileURLToPath(import.meta.url));
const pkgDir = (name: string) => realpathSync(path.join(here, "node_modules", name));
const sdk2 = [
  "@opentelemetry/api",
  "@opentelemetry/resources",
  "@opentelemetry/sdk-node",
  "@opentelemetry/sdk-trace-base",
  "@opentelemetry/instrumentation-undici",
];

// The frameworks too, subpaths included: the suites live in tests/nodesdk, whose copies were
// installed beside SDK 3. Resolved as if imported from here: one copy of each, as an app has.
const FRAMEWORK = /^(@langchain\/core|@langchain\/langgraph|langchain|@openai\/agents-core|@openai\/agents|ai|zod)(\/.*)?$/;
const frameworksFromHere: Plugin = {
  name: "frameworks-from-sdk2",
  enforce: "pre",
  resolveId(source, importer) {
    if (!FRAMEWORK.test(source) || importer?.startsWith(here)) return null;
    return this.resolve(source, path.join(here, "sdk-line.ts"), { skipSelf: true });
  },
};

export default defineProject({
  plugins: [frameworksFromHere],
  resolve: {
    alias: [
      { find: /^.*\/sdk-line\.ts$/, replacement: path.join(here, "sdk-line.ts") },
      ...sdk2.map((name) => ({ find: new RegExp(`^${name.replace("/", "\\/")}$`), replacement: pkgDir(name) })),
    ],
  },
  test: {
    name: "nodesdk-sdk2",
    dir: path.join(here, "../nodesdk"),
    include: ["test/**/*.test.ts"],
    env: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "", OTEL_TRACES_EXPORTER: "none", OTEL_LOGS_EXPORTER: "none" },
  },
});
