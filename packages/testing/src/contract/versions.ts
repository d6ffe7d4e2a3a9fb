// The version readers of `@otel-agents/core/adapter`, fakeable: an adapter's compat test mocks
// that module with `fakeVersionReaders`, so the framework, the adapter and its warning stay real.
//   vi.mock("@otel-agents/core/adapter", async (original) =>
//     (await import("@otel-agents/testing/fake-versions")).fakeVersionReaders(original));

/** The versions the readers report while set (undefined: what is installed). */
export const fakeVersions: { framework?: string; api?: string } = {};

type Readers = {
  installedVersion: (name: string, from: string) => string | undefined;
  registeredApiVersion: () => string | undefined;
};

export async function fakeVersionReaders<M extends Readers>(importOriginal: () => Promise<M>): Promise<M> {
  const core = await importOriginal();
  return {
    ...core,
    installedVersion: (name: string, from: string) => fakeVersions.framework ?? core.installedVersion(name, from),
    registeredApiVersion: () => fakeVersions.api ?? core.registeredApiVersion(),
  };
}

/** `^1.9.0` -> `>=1.9.0 <2.0.0`; an explicit range stays as it is. */
export function caretToRange(range: string | undefined): string | undefined {
  const m = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range ?? "");
  return m ? `>=${m[1]}.${m[2]}.${m[3]} <${Number(m[1]) + 1}.0.0` : range;
}
