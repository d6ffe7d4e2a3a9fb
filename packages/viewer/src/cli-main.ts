// The viewer CLI, loaded by ./cli.ts once the Node.js version is known to have node:sqlite.
import { HELP, parseCli } from "./cli-args.js";
import { probeViewer } from "./probe.js";
import { packageVersion } from "./server/package-root.js";
import { PortInUseError, ViewerError } from "./store/errors.js";
import { startViewer, type ViewerOptions } from "./viewer.js";

/** How long a clean shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 5000;
/** How often a viewer started by npx checks that npx is still there. */
const PARENT_CHECK_MS = 1000;

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
  const viewer = await startViewer(command.options).catch((error: unknown) => explainPortInUse(error, command.options));
  const stored = viewer.store.traceCount();
  // The bound URLs (not the flags): with --port 0 this is where the ports ended up.
  process.stdout.write(
    [
      `otel-agents-viewer ${packageVersion()}`,
      `  page:  ${viewer.url}`,
      `  OTLP:  ${viewer.otlpUrl}  (OTEL_EXPORTER_OTLP_ENDPOINT=${viewer.otlpUrl})`,
      `  db:    ${command.options.db}  (${stored} trace${stored === 1 ? "" : "s"}, keeps ${command.options.maxTraces})`,
      "",
    ].join("\n"),
  );
  let stopping = false;
  const shutdown = () => {
    // A second Ctrl-C does not wait.
    if (stopping) process.exit(130);
    stopping = true;
    setTimeout(() => {
      process.stderr.write(`otel-agents-viewer: shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms; exiting.\n`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    viewer.close().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`otel-agents-viewer: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  shutDownWithNpx(shutdown);
}

/**
 * `npx` (npm exec) does not pass SIGTERM on to the command it runs: npx exits and the viewer,
 * reparented, would keep both ports and the database. Started by npx, the viewer shuts down once
 * the process that started it is gone. Anything else (a shell, `npm run`, a supervisor) keeps it.
 */
function shutDownWithNpx(shutdown: () => void): void {
  if (process.env.npm_command !== "exec") return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.stderr.write("otel-agents-viewer: npx, which started it, has exited; shutting down.\n");
    shutdown();
  }, PARENT_CHECK_MS);
  timer.unref();
}

/** A taken port is often a viewer already running: say so, with its URLs, instead of only "in use". */
async function explainPortInUse(error: unknown, options: ViewerOptions): Promise<never> {
  if (error instanceof PortInUseError) {
    const host = options.host?.includes(":") ? `[${options.host}]` : options.host;
    const running = await probeViewer(`http://${host}:${options.port}`);
    if (running) {
      throw new ViewerError(
        `a viewer is already running: page ${running.url}, OTLP ${running.otlpUrl}. ` +
          "Use that one, or start another with --port and --otlp-port.",
      );
    }
  }
  throw error;
}

/** Runs the CLI on `process.argv`; errors end the process with one line (a stack only when unexpected). */
export function runCli(): void {
  main().catch((error: unknown) => {
    if (error instanceof ViewerError) process.stderr.write(`otel-agents-viewer: ${error.message}\n`);
    else process.stderr.write(`otel-agents-viewer: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  });
}
