import { asNumber, asRecord, asString, type Dict } from "@otel-agents/core/adapter";

// LangChain's own shapes on top of the kit's readers (which never throw and return undefined for
// anything of the wrong type): the few ways its callbacks spell one value.

export { asNumber, asRecord, asString, type Dict };

export function asStringArray(value: unknown): string[] | undefined {
  if (typeof value === "string") return value.length > 0 ? [value] : undefined;
  if (!Array.isArray(value)) return undefined;
  const out = value.filter((v): v is string => typeof v === "string");
  return out.length > 0 ? out : undefined;
}

/** The first of `keys` that holds a value of the wanted type. */
export function firstNumber(source: Dict | undefined, ...keys: string[]): number | undefined {
  if (!source) return undefined;
  for (const key of keys) {
    const n = asNumber(source[key]);
    if (n !== undefined) return n;
  }
  return undefined;
}

export function firstString(source: Dict | undefined, ...keys: string[]): string | undefined {
  if (!source) return undefined;
  for (const key of keys) {
    const s = asString(source[key]);
    if (s !== undefined) return s;
  }
  return undefined;
}

/** The last element of a serialized LangChain id (`["langchain_core", "runnables", "RunnableSequence"]`). */
export function serializedClass(serialized: unknown): string | undefined {
  const id = asRecord(serialized)?.id;
  if (!Array.isArray(id)) return undefined;
  return asString(id[id.length - 1]);
}
