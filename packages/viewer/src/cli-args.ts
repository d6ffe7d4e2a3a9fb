import { parseArgs } from "node:util";
import { defaultDatabasePath } from "./cache-dir.js";
import { ViewerError } from "./store/errors.js";
import { DEFAULTS, type ViewerOptions } from "./viewer.js";

export const HELP = `otel-agents-viewer: a local trace viewer that understands AI agents

Usage: npx @otel-agents/viewer [options]

Then point any OpenTelemetry SDK at it:
  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 node my-agent.js

Options:
  --otlp-port <n>     OTLP/HTTP receiver port: POST /v1/traces, /v1/metrics, /v1/logs
                      (protobuf or JSON, gzip allowed)                  [default: ${DEFAULTS.otlpPort}]
  --port <n>          port of the page and its JSON API                 [default: ${DEFAULTS.port}]
  --host <address>    interface both listen on; 0.0.0.0 exposes your
                      traces (and any captured prompts) to the network  [default: ${DEFAULTS.host}]
  --db <file>         SQLite file the traces are kept in, across
                      restarts; ":memory:" keeps nothing                [default: ${defaultDatabasePath()}]
  --max-traces <n>    traces kept; the earliest received are evicted    [default: ${DEFAULTS.maxTraces}]
  --quiet-period <s>  a trace with no new span for this many seconds is done
                      growing: parents still missing are flagged never ended [default: 30]
  --import <file>     load an OTLP/JSON file (an export request, or JSON lines
                      of them as the Collector's file exporter writes); repeatable
  --prices <file>     JSON prices (USD per million tokens) that override or add
                      to the shipped table (@pydantic/genai-prices), e.g.
                      {"providers":{"openai":{"models":{"gpt-4o":
                        {"input":2.5,"output":10,"cacheRead":1.25}}}}}
  -h, --help          show this help
  -v, --version       show the version
`;

export type CliCommand = { kind: "help" } | { kind: "version" } | { kind: "run"; options: ViewerOptions };

function port(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ViewerError(`${flag} must be a port number (0-65535), got "${value}".`);
  return n;
}

export function parseCli(argv: string[]): CliCommand {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new ViewerError(`${(error as Error).message}\nRun with --help for the options.`);
  }
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };
  let maxTraces: number = DEFAULTS.maxTraces;
  if (values["max-traces"] !== undefined) {
    maxTraces = Number(values["max-traces"]);
    if (!Number.isInteger(maxTraces) || maxTraces < 1) {
      throw new ViewerError(`--max-traces must be a positive whole number, got "${values["max-traces"]}".`);
    }
  }
  let quietPeriodMs: number | undefined;
  if (values["quiet-period"] !== undefined) {
    const seconds = Number(values["quiet-period"]);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new ViewerError(`--quiet-period must be a positive number of seconds, got "${values["quiet-period"]}".`);
    }
    quietPeriodMs = seconds * 1000;
  }
  return {
    kind: "run",
    options: {
      otlpPort: port(values["otlp-port"], "--otlp-port", DEFAULTS.otlpPort),
      port: port(values.port, "--port", DEFAULTS.port),
      host: values.host ?? DEFAULTS.host,
      db: values.db ?? defaultDatabasePath(),
      maxTraces,
      importFiles: values.import ?? [],
      ...(values.prices !== undefined ? { prices: values.prices } : {}),
      ...(quietPeriodMs !== undefined ? { quietPeriodMs } : {}),
    },
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      "otlp-port": { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      db: { type: "string" },
      "max-traces": { type: "string" },
      "quiet-period": { type: "string" },
      import: { type: "string", multiple: true },
      prices: { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
}
