import { createRequire } from "node:module";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { readSchema } from "./registry.js";

const FILES: Record<string, string> = {
  "gen_ai.input.messages": "gen-ai-input-messages.json",
  "gen_ai.output.messages": "gen-ai-output-messages.json",
  "gen_ai.system_instructions": "gen-ai-system-instructions.json",
  "gen_ai.tool.definitions": "gen-ai-tool-definitions.json",
  "gen_ai.tool.call.arguments": "gen-ai-tool-call-arguments.json",
  "gen_ai.tool.call.result": "gen-ai-tool-call-result.json",
  "gen_ai.retrieval.documents": "gen-ai-retrieval-documents.json",
};

const ajv = new Ajv2020({ allErrors: true, strict: false });
// Tool definitions point their `parameters` at the draft-07 meta-schema; blobs use format "binary".
ajv.addMetaSchema(createRequire(import.meta.url)("ajv/dist/refs/json-schema-draft-07.json"));
ajv.addFormat("binary", true);
const validators = new Map<string, ValidateFunction>();

function validator(attribute: string): ValidateFunction | undefined {
  const file = FILES[attribute];
  if (!file) return undefined;
  let v = validators.get(attribute);
  if (!v) {
    v = ajv.compile(readSchema(file));
    validators.set(attribute, v);
  }
  return v;
}

/** Problems of a JSON content attribute against its semconv JSON schema (empty when valid). */
export function validateContentAttribute(attribute: string, json: string): string[] {
  const v = validator(attribute);
  if (!v) return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return ["is not valid JSON"];
  }
  if (v(value)) return [];
  return (v.errors ?? []).slice(0, 5).map((e) => `does not match its schema: ${e.instancePath || "/"} ${e.message ?? ""}`);
}
