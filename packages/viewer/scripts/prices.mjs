// Writes prices/genai-prices.json, the viewer's price table, from a copy of the npm package
// @pydantic/genai-prices (MIT, github.com/pydantic/genai-prices), whose bundle carries the price
// data as one array literal. Only the per-token prices the viewer uses are kept (input, output,
// cache read, cache write, reasoning), with the package's own model matching rules.
//
//   npm pack @pydantic/genai-prices@<version> && tar xzf pydantic-genai-prices-<version>.tgz
//   node scripts/prices.mjs <that folder>/package <date read> <date that version was published>
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [dir, readOn, published] = process.argv.slice(2);
const DAY = /^\d{4}-\d{2}-\d{2}$/;
if (!dir || !DAY.test(readOn ?? "") || !DAY.test(published ?? "")) {
  console.error(
    "usage: node scripts/prices.mjs <folder of @pydantic/genai-prices> <YYYY-MM-DD read> <YYYY-MM-DD the version was published (npm view @pydantic/genai-prices time)>",
  );
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
const bundle = readFileSync(join(dir, "dist", "index.js"), "utf8");
// The data is the first statement of the bundle: `const E = [ ... ], J = { units }`.
const end = bundle.indexOf("\n], ");
if (!bundle.startsWith("const E = [") || end < 0) throw new Error("the bundle no longer starts with the price array");
const scratch = join(process.env.TMPDIR ?? "/tmp", `genai-prices-${process.pid}.mjs`);
writeFileSync(scratch, `${bundle.slice(0, end)}\n];\nexport default E;\n`);
const { default: providers } = await import(pathToFileURL(scratch).href);

/** Names a span's gen_ai.provider.name (or older gen_ai.system, OpenInference's llm.provider) gives each provider. */
const NAMES = {
  anthropic: ["anthropic"],
  aws: ["aws.bedrock", "bedrock", "aws", "amazon"],
  azure: ["azure.ai.openai", "azure.ai.inference", "az.ai.openai", "az.ai.inference", "azure", "azure_openai"],
  cohere: ["cohere"],
  deepseek: ["deepseek"],
  google: ["gcp.gemini", "gcp.vertex_ai", "gcp.gen_ai", "google", "gemini", "vertex_ai", "vertexai", "vertex"],
  groq: ["groq"],
  mistral: ["mistral_ai", "mistralai", "mistral"],
  moonshotai: ["moonshotai", "moonshot"],
  openai: ["openai"],
  perplexity: ["perplexity"],
  together: ["together", "together_ai", "together-ai", "togetherai"],
  "x-ai": ["x_ai", "xai", "x-ai"],
};
/** Resellers of other providers' models under names of their own: not read by gen_ai.provider.name. */
const SKIP = (id) => id.startsWith("huggingface_");

const FIELDS = {
  input_mtok: "input",
  output_mtok: "output",
  cache_read_mtok: "cacheRead",
  cache_write_mtok: "cacheWrite",
  output_reasoning_mtok: "reasoning",
};

function tokenPrices(p) {
  const out = {};
  for (const [from, to] of Object.entries(FIELDS)) if (p[from] !== undefined) out[to] = p[from];
  return out;
}

/** The match rule, or nothing when it is only `equals <the model's id>` (the table's key says that). */
function matchOf(id, match) {
  if (match.equals !== undefined && match.equals.toLowerCase() === id.toLowerCase()) return undefined;
  return match;
}

const out = {
  source: {
    name: "@pydantic/genai-prices",
    version: manifest.version,
    published,
    url: "https://github.com/pydantic/genai-prices",
    data: `https://www.npmjs.com/package/@pydantic/genai-prices/v/${manifest.version}`,
    license: "MIT",
    read: readOn,
    note: "USD per million tokens, from the package's bundled data; time-of-day discounts and non-token units (searches, images, audio) are left out.",
  },
  providers: {},
};
let models = 0;
for (const p of providers) {
  if (SKIP(p.id)) continue;
  const entry = { name: p.name, names: NAMES[p.id] ?? [p.id] };
  if (p.pricing_urls?.length) entry.pricingUrls = p.pricing_urls;
  if (p.provider_match) entry.providerMatch = p.provider_match;
  if (p.model_match) entry.modelMatch = p.model_match;
  if (p.fallback_model_providers?.length) entry.fallback = p.fallback_model_providers;
  entry.models = {};
  for (const m of p.models) {
    const list = Array.isArray(m.prices) ? m.prices : [{ prices: m.prices }];
    const base = list.find((c) => c.constraint === undefined) ?? list[0];
    const prices = tokenPrices(base.prices);
    if (prices.input === undefined && prices.output === undefined) continue;
    const model = { ...prices };
    const match = matchOf(m.id, m.match);
    if (match) model.match = match;
    const since = list
      .filter((c) => c.constraint?.type === "start_date")
      .map((c) => ({ since: c.constraint.start_date, ...tokenPrices(c.prices) }));
    if (since.length) model.since = since;
    entry.models[m.id] = model;
    models++;
  }
  if (Object.keys(entry.models).length > 0) out.providers[p.id] = entry;
}
const target = new URL("../prices/genai-prices.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(out, null, 1)}\n`);
console.log(`${Object.keys(out.providers).length} providers, ${models} models -> ${target.pathname}`);
