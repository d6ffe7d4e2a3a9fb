import type { CountingExporter } from "./otel.ts";

export type ArmKind = "none" | "baseline" | "floor" | "floor-context" | "ours-off" | "ours-on" | "ours-nosdk" | "peer";

/** One running configuration: the operation to time, how to drain it, how to undo it. */
export interface ArmRun {
  op: () => Promise<void>;
  /** Waits until every span of the finished operations has reached the exporter. */
  flush: () => Promise<void>;
  /** Removes every global registration of the arm, so the next arm runs clean. */
  teardown: () => Promise<void>;
  /** Runs our adapter still tracks after all operations ended (should be 0); undefined when not ours. */
  openRuns?: () => number;
}

export interface Arm {
  name: string;
  kind: ArmKind;
  /** Package and version measured, for the results file. */
  version?: string;
  /** Set when the arm cannot run: the row says why. */
  unavailable?: string;
  /** Remarks shown under the table (configuration that differs from defaults, what the spans are). */
  note?: string;
  setup?: (exporter: CountingExporter) => Promise<ArmRun>;
}

export interface Workload {
  name: string;
  title: string;
  /** Arms in run order; arms with global patches clean up in teardown. */
  arms: () => Promise<Arm[]>;
}
