// The top-level shape each content attribute's JSON schema requires. Adapters build these values,
// but a redact hook or a framework quirk can hand over anything: entries that cannot be valid are
// dropped here rather than recorded as JSON the backend cannot read.

type Entry = Record<string, unknown>;

const isObject = (v: unknown): v is Entry => typeof v === "object" && v !== null && !Array.isArray(v);
const isPart = (v: unknown): boolean => isObject(v) && typeof v.type === "string";

export type ContentShape = "messages" | "parts" | "typed" | "objects";

const keep: Record<ContentShape, (v: unknown) => boolean> = {
  // {role, parts: [{type, ...}]}
  messages: (v) => isObject(v) && typeof v.role === "string" && Array.isArray(v.parts) && v.parts.every(isPart),
  // [{type, ...}] (system instructions)
  parts: isPart,
  // [{type, name, ...}] (tool definitions)
  typed: (v) => isPart(v) && typeof (v as Entry).name === "string",
  // [{...}] (retrieval documents)
  objects: isObject,
};

/** The entries of `value` that fit `shape`, or undefined when `value` is no array or none fit. */
export function filterShape(value: unknown, shape: ContentShape): unknown[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out = value.filter(keep[shape]);
  return out.length > 0 ? out : undefined;
}
