import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultDatabasePath } from "../src/cache-dir.js";
import { HELP, parseCli } from "../src/cli-args.js";
import { ViewerError } from "../src/store/errors.js";

describe("otel-agents-viewer command line", () => {
  it("defaults to loopback, 4318/4319, the cache-folder database and 1000 traces", () => {
    expect(parseCli([])).toEqual({
      kind: "run",
      options: { otlpPort: 4318, port: 4319, host: "127.0.0.1", db: defaultDatabasePath(), maxTraces: 1000, importFiles: [] },
    });
  });

  it("reads every flag", () => {
    expect(
      parseCli([
        "--otlp-port",
        "14318",
        "--port=14319",
        "--host",
        "0.0.0.0",
        "--db",
        ":memory:",
        "--max-traces",
        "50",
        "--import",
        "a.json",
        "--import",
        "b.json",
      ]),
    ).toEqual({
      kind: "run",
      options: {
        otlpPort: 14318,
        port: 14319,
        host: "0.0.0.0",
        db: ":memory:",
        maxTraces: 50,
        importFiles: ["a.json", "b.json"],
      },
    });
    expect(parseCli(["--help"])).toEqual({ kind: "help" });
    expect(parseCli(["-v"])).toEqual({ kind: "version" });
  });

  it("explains bad flags in one sentence", () => {
    expect(() => parseCli(["--port", "http"])).toThrow(new ViewerError('--port must be a port number (0-65535), got "http".'));
    expect(() => parseCli(["--max-traces", "0"])).toThrow(
      new ViewerError('--max-traces must be a positive whole number, got "0".'),
    );
    expect(() => parseCli(["--colour"])).toThrow(/^Unknown option '--colour'.*\nRun with --help for the options\.$/s);
  });

  it("reads the quiet period in seconds, and refuses one that is not positive", () => {
    const run = parseCli(["--quiet-period", "2.5"]);
    expect(run.kind === "run" && run.options.quietPeriodMs).toBe(2500);
    expect(() => parseCli(["--quiet-period", "0"])).toThrow(
      new ViewerError('--quiet-period must be a positive number of seconds, got "0".'),
    );
    expect(HELP).toContain("--quiet-period");
  });

  it("documents every flag in --help", () => {
    for (const flag of [
      "--otlp-port",
      "--port",
      "--host",
      "--db",
      "--max-traces",
      "--quiet-period",
      "--import",
      "--help",
      "--version",
    ])
      expect(HELP).toContain(flag);
    expect(HELP).toContain("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 node my-agent.js");
  });

  it("keeps the database in the platform's cache folder", () => {
    expect(defaultDatabasePath({ XDG_CACHE_HOME: "/xdg" }, "linux")).toBe(join("/xdg", "otel-agents-viewer", "traces.sqlite"));
    expect(defaultDatabasePath({ LOCALAPPDATA: "C:\\Users\\a\\AppData\\Local" }, "win32")).toBe(
      join("C:\\Users\\a\\AppData\\Local", "otel-agents-viewer", "traces.sqlite"),
    );
    expect(defaultDatabasePath({}, "darwin")).toMatch(/Library[/\\]Caches[/\\]otel-agents-viewer[/\\]traces\.sqlite$/);
  });
});
