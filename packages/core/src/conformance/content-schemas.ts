import { Ajv } from "ajv";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { CONTENT_SCHEMAS } from "../semconv/generated/content-schemas.js";

const DRAFT_07 = "http://json-schema.org/draft-07/schema";
let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();

function compiler(): Ajv2020 {
  if (ajv) return ajv;
  ajv = new Ajv2020({ allErrors: true, strict: false });
  // Tool definitions point their `parameters` at the draft-07 meta-schema, which a draft-07 Ajv
  // carries (no JSON file to resolve); blobs use format "binary".
  const draft07 = new Ajv().getSchema(DRAFT_07)?.schema;
  if (draft07 && typeof draft07 === "object") ajv.addMetaSchema(draft07);
  ajv.addFormat("binary", true);
  return ajv;
}

function validator(attribute: string): ValidateFunction | undefined {
  const schema = Object.hasOwn(CONTENT_SCHEMAS, attribute) ? CONTENT_SCHEMAS[attribute] : undefined;
  if (!schema) return undefined;
  let v = validators.get(attribute);
  if (!v) {
    v = compiler().compile(schema);
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

export { CONTENT_SCHEMAS };
