import { asNumber, asRecord, asString, type Dict } from "@otel-agents/core/adapter";

// LangChain's own shapes on top of the kit's readers (which never throw and return undefined for
// anything of the wrong type): the few ways its callbacks spell one value.

export { asNumber, asRecord, asString, type Dict };

/**
 * A list of strings. One that holds nothing else comes back as it is, not copied: the core copies
 * the arrays it records, and LangGraph's triggers arrive with every node run.
 */
export function asStringArray(value: unknown): string[] | undefined {
  if (typeof value === "string") return value.length > 0 ? [value] : undefined;
  if (!Array.isArray(value)) return undefined;
  if (value.length > 0 && value.every(isString)) return value as string[];
  const out = value.filter(isString);
  return out.length > 0 ? out : undefined;
}

function isString(v: unknown): v is string {
  return typeof v === "string";
}

/**
 * The first of `keys` that holds a value of the wanted type. The keys are a list made once by the
 * caller, not rest arguments: these run a dozen times per model run, and each call made an array.
 */
export function firstNumber(source: Dict | undefined, keys: readonly string[]): number | undefined {
  if (!source) return undefined;
  for (let i = 0; i < keys.length; i++) {
    const n = asNumber(source[keys[i] as string]);
    if (n !== undefined) return n;
  }
  return undefined;
}

export function firstString(source: Dict | undefined, keys: readonly string[]): string | undefined {
  if (!source) return undefined;
  for (let i = 0; i < keys.length; i++) {
    const s = asString(source[keys[i] as string]);
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
