#!/usr/bin/env node
// Generates the core's convention tables from the registry data in packages/core/semconv/
// (see its PROVENANCE.md): `node scripts/gen-semconv.mjs` writes packages/core/src/semconv/generated/,
// `--check` only compares and exits 1 when a file would change. A registry refresh is: replace the
// JSON files, run this, review the diff of the generated files and of the tests.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DATA_DIR = "packages/core/semconv";
const OUT_DIR = "packages/core/src/semconv/generated";
const REGISTRY_FILE = `${DATA_DIR}/gen-ai-registry.json`;

// The JSON schemas of the structured content attributes, by attribute.
const CONTENT_SCHEMA_FILES = {
  "gen_ai.input.messages": "gen-ai-input-messages.json",
  "gen_ai.output.messages": "gen-ai-output-messages.json",
  "gen_ai.system_instructions": "gen-ai-system-instructions.json",
  "gen_ai.tool.definitions": "gen-ai-tool-definitions.json",
  "gen_ai.tool.call.arguments": "gen-ai-tool-call-arguments.json",
  "gen_ai.tool.call.result": "gen-ai-tool-call-result.json",
  "gen_ai.retrieval.documents": "gen-ai-retrieval-documents.json",
};

// `gen_ai.prompt.variable` is a template (`gen_ai.prompt.variable.<name>`): never a key itself.
const TEMPLATE_ATTRIBUTES = new Set(["gen_ai.prompt.variable"]);
// Attributes that only MCP spans and metrics carry are named in `MCP_ATTR`, without the `mcp.` prefix.
const MCP_SIGNAL = /^mcp\./;

const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const camel = (name, prefix) =>
  name
    .replace(prefix, "")
    .split(/[._]/)
    .map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join("");

function keyed(names, prefix) {
  const out = {};
  for (const name of [...names].sort()) {
    const key = camel(name, prefix);
    if (Object.hasOwn(out, key)) throw new Error(`gen-semconv: ${name} and ${out[key]} both map to the key ${key}`);
    out[key] = name;
  }
  return out;
}

const requirement = (spec) => {
  const r = { level: spec.requirement?.level ?? "recommended" };
  if (spec.requirement?.condition) r.condition = spec.requirement.condition;
  return r;
};

/** The registry data as the checker reads it: only the fields the rules use. */
function checkerData(reg) {
  const attributes = {};
  for (const [key, a] of Object.entries(reg.attributes)) {
    attributes[key] = { type: a.type, ...(a.enum ? { enum: a.enum } : {}) };
  }
  const spans = {};
  for (const [id, s] of Object.entries(reg.spans)) {
    const attrs = {};
    for (const [key, spec] of Object.entries(s.attributes)) {
      attrs[key] = { requirement: requirement(spec), ...(spec.sampling_relevant ? { sampling_relevant: true } : {}) };
    }
    const { pattern, fallback, operation_names } = s.span_name;
    spans[id] = { kind: s.kind, span_name: { pattern, ...(fallback ? { fallback } : {}), operation_names }, attributes: attrs };
  }
  const span_refinements = {};
  for (const [id, r] of Object.entries(reg.span_refinements)) {
    span_refinements[id] = {
      refines: r.refines,
      attributes: Object.fromEntries(Object.entries(r.attributes).map(([k, spec]) => [k, { requirement: requirement(spec) }])),
    };
  }
  const metrics = {};
  for (const [name, m] of Object.entries(reg.metrics)) {
    metrics[name] = {
      instrument: m.instrument,
      unit: m.unit,
      ...(m.value_type ? { value_type: m.value_type } : {}),
      ...(m.explicit_bucket_boundaries ? { explicit_bucket_boundaries: m.explicit_bucket_boundaries } : {}),
      attributes: Object.fromEntries(Object.entries(m.attributes).map(([k, spec]) => [k, { requirement: requirement(spec) }])),
    };
  }
  const deprecatedAttributes = {};
  for (const [key, d] of Object.entries(reg.deprecated.attributes)) {
    deprecatedAttributes[key] = Object.fromEntries(
      ["replaced_by", "note", "brief"].filter((f) => typeof d[f] === "string").map((f) => [f, d[f]]),
    );
  }
  return {
    semconv: { schema_url: reg.semconv.schema_url, version: reg.semconv.version },
    attributes,
    spans,
    span_refinements,
    metrics,
    deprecated: {
      attributes: deprecatedAttributes,
      metrics: Object.fromEntries(Object.keys(reg.deprecated.metrics).map((k) => [k, true])),
      removed_or_moved: Object.fromEntries(Object.keys(reg.deprecated.removed_or_moved).map((k) => [k, true])),
    },
  };
}

/** The names and per-span-type lists the core writes with (shipped in every entry point that uses them). */
function namesModule(reg) {
  const deprecated = new Set(Object.keys(reg.deprecated.attributes));
  const genAiSignals = [
    ...Object.entries(reg.spans).filter(([id]) => !MCP_SIGNAL.test(id)),
    ...Object.entries(reg.span_refinements),
    ...Object.entries(reg.metrics).filter(([id]) => !MCP_SIGNAL.test(id)),
    ...Object.entries(reg.events),
  ];
  const genAiNames = new Set(genAiSignals.flatMap(([, s]) => Object.keys(s.attributes ?? {})));
  const mcpNames = new Set(
    [...Object.entries(reg.spans), ...Object.entries(reg.metrics)]
      .filter(([id]) => MCP_SIGNAL.test(id))
      .flatMap(([, s]) => Object.keys(s.attributes))
      .filter((k) => !genAiNames.has(k)),
  );
  const usable = (k) => !deprecated.has(k) && !TEMPLATE_ATTRIBUTES.has(k) && Object.hasOwn(reg.attributes, k);
  const enumOf = (attr) => keyed(reg.attributes[attr].enum, /^$/);

  const spanTypeAttributes = {};
  for (const [id, s] of Object.entries(reg.spans)) {
    spanTypeAttributes[id] = Object.keys(s.attributes).filter((k) => !TEMPLATE_ATTRIBUTES.has(k));
  }
  const refinements = {};
  for (const [id, r] of Object.entries(reg.span_refinements)) {
    refinements[id] = { refines: r.refines, attributes: Object.keys(r.attributes) };
  }
  const metrics = {};
  for (const [name, m] of Object.entries(reg.metrics)) {
    metrics[name] = {
      instrument: m.instrument,
      unit: m.unit,
      valueType: m.value_type ?? "double",
      description: m.brief,
      ...(m.explicit_bucket_boundaries ? { buckets: m.explicit_bucket_boundaries } : {}),
      attributes: Object.keys(m.attributes).filter((k) => !TEMPLATE_ATTRIBUTES.has(k)),
    };
  }
  return [
    `export const SCHEMA_URL = ${JSON.stringify(reg.semconv.schema_url)};`,
    `export const SEMCONV_VERSION = ${JSON.stringify(reg.semconv.version)};`,
    "",
    "/** Every attribute the GenAI span types, refinements, metrics and events list (deprecated ones left out). */",
    `export const REGISTRY_ATTR = ${lit(keyed([...genAiNames].filter(usable), /^gen_ai\./))} as const;`,
    "",
    "/** Attributes only the MCP span types and metrics list. */",
    `export const REGISTRY_MCP_ATTR = ${lit(keyed([...mcpNames].filter(usable), /^mcp\./))} as const;`,
    "",
    "/** Values of `gen_ai.operation.name`. */",
    `export const REGISTRY_OPERATION = ${lit(enumOf("gen_ai.operation.name"))} as const;`,
    "",
    "/** Values of `gen_ai.provider.name`. */",
    `export const REGISTRY_PROVIDER = ${lit(enumOf("gen_ai.provider.name"))} as const;`,
    "",
    "/** Values of `gen_ai.token.modality`. */",
    `export const REGISTRY_TOKEN_MODALITY = ${lit(enumOf("gen_ai.token.modality"))} as const;`,
    "",
    "/** Each span type's attribute list, in the registry's order (`gen_ai.prompt.variable.<name>` besides). */",
    `export const REGISTRY_SPAN_TYPE_ATTRIBUTES = ${lit(spanTypeAttributes)} as const;`,
    "",
    "/** Provider refinements of span types and the attributes they list. */",
    `export const REGISTRY_SPAN_REFINEMENTS = ${lit(refinements)} as const;`,
    "",
    "/** Every metric: instrument, unit, value type, brief, bucket advice when the registry has it, attributes. */",
    `export const REGISTRY_METRICS = ${lit(metrics)} as const;`,
    "",
  ].join("\n");
}

const lit = (value) => JSON.stringify(value, null, 2);

function header(source, hash, date, what) {
  return [
    `// Generated by scripts/gen-semconv.mjs from ${source}`,
    `// (sha256 ${hash}, generated ${date}): ${what}.`,
    "// Do not edit: change the registry data and run `pnpm gen:semconv` (see packages/core/semconv/PROVENANCE.md).",
    "",
  ].join("\n");
}

/** The date an existing file was generated from the same source (so that regenerating is byte-identical). */
function keptDate(file, hash) {
  if (!existsSync(file)) return undefined;
  const m = /\(sha256 ([0-9a-f]{64}), generated (\d{4}-\d{2}-\d{2})\)/.exec(readFileSync(file, "utf8"));
  return m && m[1] === hash ? m[2] : undefined;
}

/** Every generated file: path (relative to the repository root) to its content. */
export function generate(root = ROOT, today = new Date().toISOString().slice(0, 10)) {
  const read = (rel) => readFileSync(path.join(root, rel), "utf8");
  const registryText = read(REGISTRY_FILE);
  const reg = JSON.parse(registryText);
  const registryHash = sha256(registryText);
  const schemaTexts = Object.entries(CONTENT_SCHEMA_FILES).map(([attr, file]) => [
    attr,
    `${DATA_DIR}/${file}`,
    read(`${DATA_DIR}/${file}`),
  ]);
  const schemasHash = sha256(schemaTexts.map(([, , text]) => text).join("\n"));

  const files = {};
  const add = (name, source, hash, what, body) => {
    const rel = `${OUT_DIR}/${name}`;
    const date = keptDate(path.join(root, rel), hash) ?? today;
    files[rel] = header(source, hash, date, what) + body;
  };
  add(
    "registry-names.ts",
    REGISTRY_FILE,
    registryHash,
    "the names, span-type lists and metrics the core writes with",
    namesModule(reg),
  );
  add(
    "registry-data.ts",
    REGISTRY_FILE,
    registryHash,
    "the rules the conformance checker reads",
    [
      'import type { Registry } from "../../conformance/registry-types.js";',
      "",
      `export const REGISTRY: Registry = ${lit(checkerData(reg))};`,
      "",
    ].join("\n"),
  );
  add(
    "content-schemas.ts",
    `${DATA_DIR}/gen-ai-*.json (${schemaTexts.length} schemas)`,
    schemasHash,
    "the JSON schemas of the structured content attributes",
    [
      "/** The JSON schema of each structured content attribute. */",
      `export const CONTENT_SCHEMAS: Readonly<Record<string, Record<string, unknown>>> = ${lit(
        Object.fromEntries(schemaTexts.map(([attr, , text]) => [attr, JSON.parse(text)])),
      )};`,
      "",
    ].join("\n"),
  );
  return files;
}

function main() {
  const check = process.argv.includes("--check");
  const files = generate();
  const changed = Object.entries(files).filter(([rel, text]) => {
    const file = path.join(ROOT, rel);
    return !existsSync(file) || readFileSync(file, "utf8") !== text;
  });
  if (check) {
    if (changed.length === 0) return;
    console.error(`gen-semconv: out of date: ${changed.map(([rel]) => rel).join(", ")}; run \`pnpm gen:semconv\``);
    process.exitCode = 1;
    return;
  }
  mkdirSync(path.join(ROOT, OUT_DIR), { recursive: true });
  for (const [rel, text] of changed) writeFileSync(path.join(ROOT, rel), text);
  console.log(changed.length === 0 ? "gen-semconv: up to date" : `gen-semconv: wrote ${changed.map(([rel]) => rel).join(", ")}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
