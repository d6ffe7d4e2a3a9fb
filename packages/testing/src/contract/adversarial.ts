import type { TracerProvider } from "@opentelemetry/api";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { checkExported, watchedProvider } from "../adversarial.js";
import type { Harness, ReadableSpan } from "../harness.js";

export interface AdversarialCase<A, E> {
  harness: Harness;
  /** The adapter configurations to spread the sequences over, each on the watched provider. */
  instances(tracerProvider: TracerProvider): A[];
  /** One call into the adapter's public hooks, with generated arguments. */
  event: fc.Arbitrary<E>;
  maxEvents: number;
  /**
   * Calls the hooks as the framework would, with the driver's own per-call checks (what a hook
   * returns, what a wrapper hands back); any throw or rejection fails the property.
   */
  feed(adapter: A, events: readonly E[]): void | Promise<void>;
  /** Ends whatever is still open (the adapter's `endOpenRuns()`, or what the framework calls at shutdown). */
  end(adapter: A): unknown;
  openRuns(adapter: A): number;
  leftovers?(): number;
  /** How many sequences (FC_RUNS, default 10,000). */
  runs?: number;
}

/**
 * The adapter's public hooks with generated garbage, in any order: nothing may throw or reject,
 * every span started must end (at the latest when the open runs are ended), and only attribute
 * values of supported types and sizes may reach the exporter.
 */
export function adversarialContract<A, E>(c: AdversarialCase<A, E>): { instances: A[]; started: unknown[] } {
  const runs = c.runs ?? Number(process.env.FC_RUNS ?? 10_000);
  const { provider, started } = watchedProvider(c.harness.tracerProvider);
  const instances = c.instances(provider);
  let unhandled = 0;
  const onUnhandled = () => {
    unhandled++;
  };
  process.on("unhandledRejection", onUnhandled);
  afterAll(() => {
    process.off("unhandledRejection", onUnhandled);
  });

  describe("adversarial input (adapter contract)", () => {
    it(`never throws or rejects, ends every span it starts and exports only valid, bounded values (${runs} generated sequences)`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat(instances.length - 1), fc.array(c.event, { maxLength: c.maxEvents }), async (which, events) => {
          c.harness.reset();
          started.length = 0;
          const adapter = instances[which] as A;
          await c.feed(adapter, events);
          await c.end(adapter);

          expect(c.openRuns(adapter)).toBe(0);
          expect(c.leftovers?.() ?? 0).toBe(0);
          const notEnded = started.filter((s) => !(s as unknown as ReadableSpan).ended);
          expect(notEnded.map((s) => (s as unknown as ReadableSpan).name)).toEqual([]);
          const spans = c.harness.spans();
          expect(spans).toHaveLength(started.length);
          checkExported(spans);
        }),
        { numRuns: runs },
      );
      expect(unhandled).toBe(0);
    }, 120_000);
  });
  // For the adapter's own properties on the same instances.
  return { instances, started };
}
