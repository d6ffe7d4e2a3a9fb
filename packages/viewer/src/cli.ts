#!/usr/bin/env node
import { HELP, parseCli } from "./cli-args.js";
import { packageVersion } from "./server/package-root.js";
import { ViewerError } from "./store/errors.js";
import { startViewer } from "./viewer.js";

async function main(): Promise<void> {
  const command = parseCli(process.argv.slice(2));
  if (command.kind === "help") {
    process.stdout.write(HELP);
    return;
  }
  if (command.kind === "version") {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  const viewer = await startViewer(command.options);
  const stored = viewer.store.traceCount();
  process.stdout.write(
    [
      `otel-agents-viewer ${packageVersion()}`,
      `  page:  ${viewer.url}`,
      `  OTLP:  ${viewer.otlpUrl}  (OTEL_EXPORTER_OTLP_ENDPOINT=${viewer.otlpUrl})`,
      `  db:    ${command.options.db}  (${stored} trace${stored === 1 ? "" : "s"}, keeps ${command.options.maxTraces})`,
      "",
    ].join("\n"),
  );
  const shutdown = () => {
    viewer.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ViewerError) process.stderr.write(`otel-agents-viewer: ${error.message}\n`);
  else process.stderr.write(`otel-agents-viewer: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
