import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SpanCost } from "../shared/model.js";

/**
 * The price table: USD per million tokens, per provider and model. Shipped as data
 * (`prices/genai-prices.json`, taken from the npm package @pydantic/genai-prices, with its version
 * and the date it was read) and overridable by a file of the same shape (`--prices`).
 */

/** A price per million tokens, or one that steps up once the call's input tokens pass a tier's start. */
export type Price = number | { base: number; tiers: { start: number; price: number }[] };

export interface TokenPrices {
  /** Input tokens that are neither read from nor written to a cache. */
  input?: Price;
  output?: Price;
  /** Input tokens served from a cache (the input price when absent). */
  cacheRead?: Price;
  /** Input tokens written to a cache (the input price when absent). */
  cacheWrite?: Price;
  /** Output tokens spent on reasoning (the output price when absent). */
  reasoning?: Price;
}

/** Model names compared case-insensitively, as @pydantic/genai-prices does (regex excepted). */
export type MatchRule =
  | { equals: string }
  | { starts_with: string }
  | { ends_with: string }
  | { contains: string }
  | { regex: string }
  | { or: MatchRule[] }
  | { and: MatchRule[] };

export interface ModelPrices extends TokenPrices {
  /** Which model names these prices are for (default: the model's key, exactly). */
  match?: MatchRule;
  /** Prices from a date on (YYYY-MM-DD, UTC): the last one that has started applies to a call. */
  since?: (TokenPrices & { since: string })[];
}

export interface ProviderPrices {
  name?: string;
  /** Values of gen_ai.provider.name (or the older gen_ai.system, OpenInference's llm.provider) meaning this provider. */
  names?: string[];
  pricingUrls?: string[];
  /** Other provider names that mean this one (e.g. contains "bedrock"). */
  providerMatch?: MatchRule;
  /** Models this provider is the maker of: used when a span names no provider. */
  modelMatch?: MatchRule;
  /** Providers whose prices apply to models this one resells (Azure: OpenAI's). */
  fallback?: string[];
  models: Record<string, ModelPrices>;
}

export interface PriceTableSource {
  name: string;
  version?: string;
  url?: string;
  data?: string;
  license?: string;
  /** When the prices were read (YYYY-MM-DD). */
  read?: string;
  note?: string;
}

export interface PriceTableData {
  source?: PriceTableSource;
  providers: Record<string, ProviderPrices>;
}

/** The price table file or the override file is not what the viewer reads; the message says where. */
export class PriceTableError extends Error {
  override name = "PriceTableError";
}

/** A model's prices as found for a call: which table entry they are. */
export interface PriceMatch {
  provider: string;
  model: string;
  prices: ModelPrices;
}

/** What a model call says that prices it. Token counts follow the GenAI conventions: input includes cache reads and writes, output includes reasoning. */
export interface PricedCall {
  provider?: string | undefined;
  model?: string | undefined;
  input: number;
  output: number;
  /** Missing counts are 0. */
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
  /** When the call was made (µs since the epoch), for prices that changed on a date. Default: now. */
  atUs?: number;
  /** The counts are a sum over many calls (metric totals): a tier by prompt size cannot apply, the base price does. */
  summed?: boolean;
}

const PRICE_FIELDS = ["input", "output", "cacheRead", "cacheWrite", "reasoning"] as const;
const MODEL_FIELDS = new Set<string>([...PRICE_FIELDS, "match", "since"]);
const PROVIDER_FIELDS = new Set(["name", "names", "pricingUrls", "providerMatch", "modelMatch", "fallback", "models"]);
const RULES = ["equals", "starts_with", "ends_with", "contains", "regex", "or", "and"];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkPrice(v: unknown, at: string): void {
  if (typeof v === "number") {
    if (!Number.isFinite(v) || v < 0)
      throw new PriceTableError(`${at}: a price must be a number of USD per million tokens, 0 or more (got ${v})`);
    return;
  }
  if (isObject(v) && typeof v.base === "number" && Array.isArray(v.tiers)) {
    checkPrice(v.base, `${at}.base`);
    v.tiers.forEach((t, i) => {
      if (!isObject(t) || typeof t.start !== "number" || !Number.isInteger(t.start) || t.start < 0)
        throw new PriceTableError(`${at}.tiers[${i}]: a tier is { "start": <input tokens>, "price": <USD per million> }`);
      checkPrice(t.price, `${at}.tiers[${i}].price`);
    });
    return;
  }
  throw new PriceTableError(
    `${at}: a price is a number of USD per million tokens, or { "base": n, "tiers": [{ "start": tokens, "price": n }] } (got ${JSON.stringify(v)})`,
  );
}

function checkRule(v: unknown, at: string): void {
  if (!isObject(v) || Object.keys(v).length !== 1 || !RULES.includes(Object.keys(v)[0]!))
    throw new PriceTableError(
      `${at}: a match rule is one of { ${RULES.map((r) => `"${r}"`).join(", ")} } (got ${JSON.stringify(v)})`,
    );
  const [key, value] = Object.entries(v)[0]!;
  if (key === "or" || key === "and") {
    if (!Array.isArray(value) || value.length === 0) throw new PriceTableError(`${at}.${key}: a list of match rules`);
    for (const [i, r] of value.entries()) checkRule(r, `${at}.${key}[${i}]`);
  } else if (typeof value !== "string" || value === "") {
    throw new PriceTableError(`${at}.${key}: a non-empty string`);
  } else if (key === "regex") {
    try {
      new RegExp(value);
    } catch (error) {
      throw new PriceTableError(`${at}.regex: ${(error as Error).message}`);
    }
  }
}

function checkPrices(v: Record<string, unknown>, at: string): void {
  for (const f of PRICE_FIELDS) if (v[f] !== undefined) checkPrice(v[f], `${at}.${f}`);
}

/**
 * Checks a parsed price file and returns it typed. Every mistake is reported with its path in the
 * file: an unknown field (a typo such as "inputs"), a negative or non-numeric price, a bad rule.
 */
export function parsePriceTable(json: unknown): PriceTableData {
  if (!isObject(json) || !isObject(json.providers))
    throw new PriceTableError(
      'expected a JSON object with "providers": { "<provider>": { "models": { "<model>": { "input": 2.5, "output": 10 } } } }',
    );
  for (const key of Object.keys(json))
    if (key !== "providers" && key !== "source" && key !== "$comment")
      throw new PriceTableError(`unknown field "${key}" (a price file has "providers", and optionally "source")`);
  for (const [id, p] of Object.entries(json.providers)) {
    const at = `providers.${id}`;
    if (!isObject(p) || !isObject(p.models)) throw new PriceTableError(`${at}: expected { "models": { ... } }`);
    for (const key of Object.keys(p))
      if (!PROVIDER_FIELDS.has(key))
        throw new PriceTableError(`${at}: unknown field "${key}" (known: ${[...PROVIDER_FIELDS].join(", ")})`);
    for (const list of ["names", "fallback", "pricingUrls"] as const) {
      const v = p[list];
      if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== "string")))
        throw new PriceTableError(`${at}.${list}: a list of strings`);
    }
    if (p.providerMatch !== undefined) checkRule(p.providerMatch, `${at}.providerMatch`);
    if (p.modelMatch !== undefined) checkRule(p.modelMatch, `${at}.modelMatch`);
    for (const [model, m] of Object.entries(p.models)) {
      const mat = `${at}.models.${model}`;
      if (!isObject(m)) throw new PriceTableError(`${mat}: expected { "input": n, "output": n, ... } (USD per million tokens)`);
      for (const key of Object.keys(m))
        if (!MODEL_FIELDS.has(key))
          throw new PriceTableError(`${mat}: unknown field "${key}" (known: ${[...MODEL_FIELDS].join(", ")})`);
      if (m.input === undefined && m.output === undefined)
        throw new PriceTableError(`${mat}: give at least "input" or "output" (USD per million tokens)`);
      checkPrices(m, mat);
      if (m.match !== undefined) checkRule(m.match, `${mat}.match`);
      if (m.since !== undefined) {
        if (!Array.isArray(m.since)) throw new PriceTableError(`${mat}.since: a list of { "since": "YYYY-MM-DD", ...prices }`);
        m.since.forEach((s, i) => {
          if (!isObject(s) || typeof s.since !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(s.since))
            throw new PriceTableError(`${mat}.since[${i}]: expected { "since": "YYYY-MM-DD", ...prices }`);
          checkPrices(s, `${mat}.since[${i}]`);
        });
      }
    }
  }
  return json as unknown as PriceTableData;
}

export function matches(rule: MatchRule, name: string): boolean {
  if ("or" in rule) return rule.or.some((r) => matches(r, name));
  if ("and" in rule) return rule.and.every((r) => matches(r, name));
  const lower = name.toLowerCase();
  if ("equals" in rule) return lower === rule.equals.toLowerCase();
  if ("starts_with" in rule) return lower.startsWith(rule.starts_with.toLowerCase());
  if ("ends_with" in rule) return lower.endsWith(rule.ends_with.toLowerCase());
  if ("contains" in rule) return lower.includes(rule.contains.toLowerCase());
  return regex(rule.regex).test(name);
}

const regexes = new Map<string, RegExp>();
function regex(source: string): RegExp {
  let r = regexes.get(source);
  if (!r) regexes.set(source, (r = new RegExp(source)));
  return r;
}

/**
 * The names a model is looked up by, in order: as sent; without a "vendor/" prefix (gateways send
 * `openai/gpt-4o`); without a dated snapshot suffix (`gpt-4o-2024-08-06`, `claude-3-5-sonnet-20241022`,
 * `claude-3-5-sonnet-v2@20241022` → the undated name). An exact entry for a snapshot wins, because
 * some snapshots are priced apart (`gpt-4o-2024-05-13`).
 */
export function modelCandidates(model: string): string[] {
  const out: string[] = [];
  const add = (m: string) => {
    if (m && !out.includes(m)) out.push(m);
  };
  const trimmed = model.trim();
  add(trimmed);
  const slash = trimmed.lastIndexOf("/");
  const bare = slash >= 0 ? trimmed.slice(slash + 1) : trimmed;
  add(bare);
  for (const m of [trimmed, bare]) add(m.replace(/(?:[-@](?:20\d{2}-\d{2}-\d{2}|20\d{6}))(?=$|[-:@])/, ""));
  add(bare.replace(/(?:[-@](?:20\d{2}-\d{2}-\d{2}|20\d{6}))(?:[-:@].*)?$/, ""));
  return out;
}

/** Price tables are hundreds of kilobytes: the one shipped is read once per process. */
let shipped: PriceTableData | undefined;
let shippedTable: PriceTable | undefined;

/** The table shipped in this package (`prices/genai-prices.json`), found from src/ (tests) and dist/lib/ (the bundle). */
export function shippedPrices(): PriceTableData {
  if (shipped) return shipped;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, "prices", "genai-prices.json");
    if (existsSync(file)) {
      shipped = parsePriceTable(JSON.parse(readFileSync(file, "utf8")));
      return shipped;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("@otel-agents/viewer: prices/genai-prices.json is missing from the package");
    dir = up;
  }
}

/** Reads a price override file; a PriceTableError names what is wrong in it. */
export function readPriceFile(path: string): PriceTableData {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new PriceTableError(`cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PriceTableError(`not JSON (${(error as Error).message})`);
  }
  return parsePriceTable(json);
}

/** The override's entries first (they win), then the base table's; a provider only in the override is added. */
export function mergePrices(base: PriceTableData, override: PriceTableData): PriceTableData {
  const providers: Record<string, ProviderPrices> = { ...base.providers };
  for (const [id, p] of Object.entries(override.providers)) {
    const b = base.providers[id];
    providers[id] = b
      ? {
          ...b,
          ...p,
          names: [...new Set([...(p.names ?? []), ...(b.names ?? [])])],
          models: { ...p.models, ...Object.fromEntries(Object.entries(b.models).filter(([k]) => !(k in p.models))) },
        }
      : p;
  }
  return { ...(base.source ? { source: base.source } : {}), providers };
}

/** Prices in force at a time: the base ones, or the last dated change that has started. */
export function pricesAt(m: ModelPrices, atUs: number): TokenPrices {
  if (!m.since) return m;
  const day = new Date(atUs / 1000).toISOString().slice(0, 10);
  let current: TokenPrices = m;
  for (const s of m.since) if (s.since <= day) current = s;
  return current;
}

/** The per-million price for a call whose input is `inputTokens` (a tier applies once the input passes its start). */
function perMillion(p: Price, inputTokens: number): number {
  if (typeof p === "number") return p;
  let price = p.base;
  for (const t of p.tiers) if (inputTokens > t.start) price = t.price;
  return price;
}

/** A token count as priced: a missing, negative or non-finite one is 0. */
function count(n: number | undefined): number {
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? n : 0;
}

/** Provider and model pairs whose lookup is remembered (a lookup of an unknown model scans the table: ~0.1 ms). */
const MAX_REMEMBERED = 10_000;

/** The price table in use: the shipped one, with a user's overrides. Lookups are remembered per provider and model. */
export class PriceTable {
  readonly data: PriceTableData;
  /** Changes whenever any price or rule does: costs stored under another table are computed again. */
  readonly fingerprint: string;
  private readonly byName = new Map<string, string>();
  private readonly found = new Map<string, PriceMatch | null>();

  /** The override file, when one was given. */
  overridden?: string;

  constructor(data: PriceTableData) {
    this.data = data;
    this.fingerprint = createHash("sha1").update(JSON.stringify(data.providers)).digest("base64url");
    for (const [id, p] of Object.entries(data.providers)) {
      for (const n of [id, ...(p.names ?? [])]) if (!this.byName.has(n.toLowerCase())) this.byName.set(n.toLowerCase(), id);
    }
  }

  /** The shipped table, with the override file's prices first when one is given. */
  static load(overrideFile?: string): PriceTable {
    if (!overrideFile) return (shippedTable ??= new PriceTable(shippedPrices()));
    const table = new PriceTable(mergePrices(shippedPrices(), readPriceFile(overrideFile)));
    table.overridden = overrideFile;
    return table;
  }

  /** One line naming where the prices come from, for the page. */
  describe(): string {
    const s = this.data.source;
    const base = s ? `${s.name}${s.version ? ` ${s.version}` : ""}${s.read ? `, read ${s.read}` : ""}` : "no source named";
    return this.overridden ? `${base}; overridden by ${this.overridden}` : base;
  }

  /** The provider a span's provider name means (gen_ai.provider.name, gen_ai.system, llm.provider...). */
  providerId(name: string): string | undefined {
    const lower = name.trim().toLowerCase();
    const exact = this.byName.get(lower);
    if (exact) return exact;
    for (const [id, p] of Object.entries(this.data.providers)) if (p.providerMatch && matches(p.providerMatch, lower)) return id;
    return undefined;
  }

  /**
   * The prices of a provider's model, or undefined when the table has none. With no provider (or
   * one the table does not know), the model's maker is looked for (gpt-… OpenAI, claude… Anthropic).
   */
  find(provider: string | undefined, model: string | undefined): PriceMatch | undefined {
    if (!model) return undefined;
    const key = `${provider ?? ""}\n${model}`;
    const hit = this.found.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const result = this.lookup(provider, model);
    // Bounded: an app that names a new model on every call must not grow the viewer's memory.
    if (this.found.size >= MAX_REMEMBERED) this.found.clear();
    this.found.set(key, result ?? null);
    return result;
  }

  private lookup(provider: string | undefined, model: string): PriceMatch | undefined {
    const id = provider ? this.providerId(provider) : undefined;
    const candidates = modelCandidates(model);
    if (id) return this.inProvider(id, candidates, new Set());
    for (const [pid, p] of Object.entries(this.data.providers)) {
      if (p.modelMatch && candidates.some((c) => matches(p.modelMatch!, c))) {
        const found = this.inProvider(pid, candidates, new Set());
        if (found) return found;
      }
    }
    return undefined;
  }

  private inProvider(id: string, candidates: string[], seen: Set<string>): PriceMatch | undefined {
    const p = Object.hasOwn(this.data.providers, id) ? this.data.providers[id] : undefined;
    if (!p || seen.has(id)) return undefined;
    seen.add(id);
    for (const c of candidates) {
      for (const [name, m] of Object.entries(p.models)) {
        if (m.match ? matches(m.match, c) : name.toLowerCase() === c.toLowerCase())
          return { provider: id, model: name, prices: m };
      }
    }
    for (const f of p.fallback ?? []) {
      const found = this.inProvider(f, candidates, seen);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The cost of one model call. Tokens of a kind the table has no price for (or of a model it does
   * not know) are counted as unpriced, never as $0. Cache reads and writes are part of the input
   * tokens and reasoning part of the output tokens (the GenAI conventions); a count that is
   * smaller than its parts is taken as excluding them (Anthropic's raw input_tokens).
   */
  cost(call: PricedCall): SpanCost | undefined {
    // JavaScript callers may leave counts out (`{ provider, model, input, output }`): a missing or
    // unusable count is 0, never NaN (which would drop the whole price), and the time is now.
    const input = count(call.input);
    const output = count(call.output);
    const cacheRead = count(call.cacheRead);
    const cacheWrite = count(call.cacheWrite);
    const reasoning = count(call.reasoning);
    const total = input + output;
    if (total <= 0) return undefined;
    const found = this.find(call.provider, call.model);
    if (!found) return { unpricedTokens: total };
    const at = call.atUs;
    const p = pricesAt(found.prices, at !== undefined && Number.isFinite(at) ? at : Date.now() * 1000);
    const cached = cacheRead + cacheWrite;
    const inputTotal = input >= cached ? input : input + cached;
    const uncached = input >= cached ? input - cached : input;
    const plainOut = output >= reasoning ? output - reasoning : output;
    let usd = 0;
    let priced = 0;
    let unpriced = 0;
    const add = (tokens: number, price: Price | undefined) => {
      if (tokens <= 0) return;
      if (price === undefined) unpriced += tokens;
      else {
        usd += (tokens * perMillion(price, call.summed ? 0 : inputTotal)) / 1e6;
        priced += tokens;
      }
    };
    add(uncached, p.input);
    add(cacheRead, p.cacheRead ?? p.input);
    add(cacheWrite, p.cacheWrite ?? p.input);
    add(plainOut, p.output);
    add(reasoning, p.reasoning ?? p.output);
    const cost: SpanCost = { pricedAs: `${found.provider}/${found.model}` };
    if (priced > 0) cost.usd = usd;
    if (unpriced > 0) cost.unpricedTokens = unpriced;
    return cost;
  }
}
