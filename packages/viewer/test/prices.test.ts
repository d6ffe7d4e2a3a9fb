import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  mergePrices,
  modelCandidates,
  type PricedCall,
  PriceTable,
  PriceTableError,
  parsePriceTable,
  readPriceFile,
  shippedPrices,
} from "../src/analysis/prices.js";
import { parseCli } from "../src/cli-args.js";
import { ViewerError } from "../src/store/errors.js";
import { testViewer } from "./support.js";

const packageDir = join(import.meta.dirname, "..");
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "otel-agents-viewer-prices-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const table = PriceTable.load();
const AT = Date.UTC(2026, 11, 1) * 1000;
const call = (
  provider: string | undefined,
  model: string,
  usage: Partial<Record<"input" | "output" | "cacheRead" | "cacheWrite" | "reasoning", number>>,
) => table.cost({ provider, model, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, atUs: AT, ...usage });

describe("the shipped price table", () => {
  it("is @pydantic/genai-prices' data, with its version and the date it was read", () => {
    const data = JSON.parse(readFileSync(join(packageDir, "prices", "genai-prices.json"), "utf8"));
    expect(data.source).toEqual({
      name: "@pydantic/genai-prices",
      version: "0.1.8",
      published: "2026-09-23",
      url: "https://github.com/pydantic/genai-prices",
      data: "https://www.npmjs.com/package/@pydantic/genai-prices/v/0.1.8",
      license: "MIT",
      read: "2026-12-05",
      note: "USD per million tokens, from the package's bundled data; time-of-day discounts and non-token units (searches, images, audio) are left out.",
    });
    expect(parsePriceTable(data)).toBe(data);
    expect(shippedPrices().providers.openai?.models["gpt-4o"]).toEqual({
      input: 2.5,
      output: 10,
      cacheRead: 1.25,
      match: { or: [{ equals: "gpt-4o" }, { equals: "gpt-4o-2024-08-06" }, { equals: "gpt-4o-2024-11-20" }] },
    });
    expect(table.describe()).toBe("@pydantic/genai-prices 0.1.8, read 2026-12-05");
  });
});

describe("model matching", () => {
  it("finds a model by gen_ai.provider.name, older gen_ai.system values and OpenInference's provider names", () => {
    const at = (provider: string | undefined, model: string) => {
      const m = table.find(provider, model);
      return m ? `${m.provider}/${m.model}` : undefined;
    };
    expect(at("openai", "gpt-4o")).toBe("openai/gpt-4o");
    expect(at("OpenAI", "gpt-4o")).toBe("openai/gpt-4o");
    expect(at("gcp.gemini", "gemini-2.5-flash")).toBe("google/gemini-2.5-flash");
    expect(at("gcp.vertex_ai", "gemini-2.5-flash")).toBe("google/gemini-2.5-flash");
    expect(at("vertex_ai", "gemini-2.5-flash")).toBe("google/gemini-2.5-flash");
    expect(at("anthropic", "claude-3-5-sonnet-20241022")).toBe("anthropic/claude-3-5-sonnet");
    expect(at("mistral_ai", "mistral-large-latest")).toMatch(/^mistral\//);
    expect(at("x_ai", "grok-3")).toMatch(/^x-ai\//);
    expect(at("aws.bedrock", "anthropic.claude-3-5-sonnet-20241022-v2:0")).toMatch(/^aws\//);
    // Azure resells OpenAI's models at OpenAI's prices where it lists none of its own.
    expect(at("azure.ai.openai", "gpt-4o")).toBe("openai/gpt-4o");
    // No provider at all: the model's maker.
    expect(at(undefined, "gpt-4o-mini")).toBe("openai/gpt-4o-mini");
    expect(at(undefined, "claude-3-5-sonnet-20241022")).toBe("anthropic/claude-3-5-sonnet");
    // Unknown models and providers have no price.
    expect(at("openai", "my-own-finetune")).toBeUndefined();
    expect(at("acme-cloud", "acme-large")).toBeUndefined();
    expect(at(undefined, "scripted-model-1")).toBeUndefined();
    expect(at("openai", undefined as unknown as string)).toBeUndefined();
  });

  it("normalises dated snapshots and vendor prefixes, but an exact entry for a snapshot wins", () => {
    expect(modelCandidates("gpt-4o-2024-08-06")).toEqual(["gpt-4o-2024-08-06", "gpt-4o"]);
    expect(modelCandidates("openai/gpt-4o")).toEqual(["openai/gpt-4o", "gpt-4o"]);
    expect(modelCandidates("claude-3-5-sonnet-20241022")).toEqual(["claude-3-5-sonnet-20241022", "claude-3-5-sonnet"]);
    expect(modelCandidates("claude-3-5-sonnet-v2@20241022")).toEqual(["claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet-v2"]);
    expect(modelCandidates("gpt-4o")).toEqual(["gpt-4o"]);
    const acme = new PriceTable(
      parsePriceTable({
        providers: {
          acme: { models: { "acme-large": { input: 1, output: 2 }, "acme-large-2026-01-15": { input: 9, output: 9 } } },
        },
      }),
    );
    const found = (model: string) => acme.find("acme", model)?.model;
    expect(found("acme-large-2026-03-01")).toBe("acme-large");
    expect(found("acme-large-20260301")).toBe("acme-large");
    expect(found("acme/acme-large")).toBe("acme-large");
    expect(found("ACME-Large")).toBe("acme-large");
    expect(found("acme-large-2026-01-15")).toBe("acme-large-2026-01-15");
    expect(found("acme-largest")).toBeUndefined();
    // Priced apart in the shipped table: the May 2024 snapshot of gpt-4o is not gpt-4o's price.
    expect(table.find("openai", "gpt-4o-2024-05-13")?.model).toBe("gpt-4o-2024-05-13");
    expect(table.find("openai", "gpt-4o-2024-08-06")?.model).toBe("gpt-4o");
  });
});

describe("cost of a model call", () => {
  it("prices input, cache reads, cache writes, output and reasoning at their own rates", () => {
    // gpt-4o: input 2.5, cache read 1.25, output 10 (USD per million); no cache-write price: the input price.
    const c = call("openai", "gpt-4o-2024-08-06", {
      input: 1_000_000,
      cacheRead: 400_000,
      cacheWrite: 100_000,
      output: 200_000,
      reasoning: 50_000,
    });
    expect(c).toEqual({ pricedAs: "openai/gpt-4o", usd: expect.closeTo(0.5 * 2.5 + 0.4 * 1.25 + 0.1 * 2.5 + 0.2 * 10, 12) });
    // claude-3-5-sonnet: cache read 0.3 and cache write 3.75 of its own.
    expect(
      call("anthropic", "claude-3-5-sonnet-20241022", { input: 1_000_000, cacheRead: 500_000, cacheWrite: 250_000, output: 0 }),
    ).toEqual({
      pricedAs: "anthropic/claude-3-5-sonnet",
      usd: expect.closeTo(0.25 * 3 + 0.5 * 0.3 + 0.25 * 3.75, 12),
    });
    // Anthropic's raw input_tokens leave the cache out: a count smaller than its parts is taken as excluding them.
    expect(call("anthropic", "claude-3-5-sonnet", { input: 100, cacheRead: 1000, output: 0 })?.usd).toBeCloseTo(
      (100 * 3 + 1000 * 0.3) / 1e6,
      15,
    );
  });

  it("applies a price tier by the call's input tokens, and a dated change from its day on", () => {
    // gemini-1.5-pro: 1.25 / 5 up to 128k input tokens, then 2.5 / 10 for the whole call.
    expect(call("gcp.gemini", "gemini-1.5-pro", { input: 100_000, output: 1000 })?.usd).toBeCloseTo(0.125 + 0.005, 12);
    expect(call("gcp.gemini", "gemini-1.5-pro", { input: 300_000, output: 1000 })?.usd).toBeCloseTo(0.75 + 0.01, 12);
    // o3: 10 / 40 at launch, 2 / 8 from 2025-06-10.
    const o3 = (day: number) =>
      table.cost({
        provider: "openai",
        model: "o3",
        input: 1_000_000,
        output: 0,
        cacheRead: 0,
        cacheWrite: 0,
        reasoning: 0,
        atUs: day * 1000,
      });
    expect(o3(Date.UTC(2025, 5, 9))?.usd).toBe(10);
    expect(o3(Date.UTC(2025, 5, 10))?.usd).toBe(2);
  });

  it("prices a call written as the README writes it, { provider, model, input, output }: missing counts are 0, the time now", () => {
    // What a JavaScript caller (or one that casts) passes: no cache, reasoning or time fields.
    const short = (c: object) => table.cost(c as PricedCall);
    expect(short({ provider: "openai", model: "gpt-4o", input: 1000, output: 100 })).toEqual({
      pricedAs: "openai/gpt-4o",
      usd: expect.closeTo((1000 * 2.5 + 100 * 10) / 1e6, 15),
    });
    expect(short({ provider: "openai", model: "gpt-4o", input: 1000, output: 100 })).toEqual(
      call("openai", "gpt-4o", { input: 1000, output: 100 }),
    );
    // o3 costs 2 / 8 since 2025-06-10: today's price when no time is given.
    expect(short({ provider: "openai", model: "o3", input: 1_000_000, output: 0 })).toEqual({ pricedAs: "openai/o3", usd: 2 });
    expect(short({ provider: "openai", model: "gpt-4o", input: 1000, output: 100, cacheRead: Number.NaN })?.usd).toBeCloseTo(
      0.0035,
      15,
    );
  });

  it("says unpriced, never $0, for tokens of a model or a kind the table has no price for", () => {
    expect(call("openai", "my-own-finetune", { input: 120, output: 30 })).toEqual({ unpricedTokens: 150 });
    expect(call(undefined, "scripted-model-1", { input: 5, output: 0 })).toEqual({ unpricedTokens: 5 });
    expect(call("openai", "gpt-4o", { input: 0, output: 0 })).toBeUndefined();
    const inputOnly = new PriceTable(parsePriceTable({ providers: { acme: { models: { embed: { input: 0.02 } } } } }));
    expect(
      inputOnly.cost({
        provider: "acme",
        model: "embed",
        input: 1_000_000,
        output: 7,
        cacheRead: 0,
        cacheWrite: 0,
        reasoning: 0,
        atUs: AT,
      }),
    ).toEqual({
      pricedAs: "acme/embed",
      usd: 0.02,
      unpricedTokens: 7,
    });
    // A price of 0 is a known price (a free model): $0, and nothing unpriced.
    const free = new PriceTable(parsePriceTable({ providers: { acme: { models: { free: { input: 0, output: 0 } } } } }));
    expect(
      free.cost({ provider: "acme", model: "free", input: 10, output: 10, cacheRead: 0, cacheWrite: 0, reasoning: 0, atUs: AT }),
    ).toEqual({
      pricedAs: "acme/free",
      usd: 0,
    });
  });
});

describe("the --prices override file", () => {
  const write = (name: string, body: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, typeof body === "string" ? body : JSON.stringify(body));
    return file;
  };

  it("overrides a shipped price, adds a provider with its own names, and keeps the rest", () => {
    const file = write("prices.json", {
      providers: {
        openai: { models: { "gpt-4o": { input: 1, output: 4 } } },
        "my-gateway": { names: ["my.gateway"], models: { "llama-3-70b": { input: 0.5, output: 0.8, cacheRead: 0.1 } } },
      },
    });
    const t = PriceTable.load(file);
    expect(t.describe()).toBe(`@pydantic/genai-prices 0.1.8, read 2026-12-05; overridden by ${file}`);
    expect(t.fingerprint).not.toBe(table.fingerprint);
    const cost = (provider: string, model: string) =>
      t.cost({ provider, model, input: 1_000_000, output: 1_000_000, cacheRead: 0, cacheWrite: 0, reasoning: 0, atUs: AT });
    expect(cost("openai", "gpt-4o")).toEqual({ pricedAs: "openai/gpt-4o", usd: 5 });
    expect(cost("my.gateway", "llama-3-70b-2026-01-01")).toEqual({ pricedAs: "my-gateway/llama-3-70b", usd: 1.3 });
    expect(cost("openai", "gpt-4o-mini")).toEqual({ pricedAs: "openai/gpt-4o-mini", usd: 0.75 });
    expect(mergePrices(shippedPrices(), readPriceFile(file)).providers.openai?.names).toEqual(["openai"]);
  });

  it("is refused with a message that says what is wrong and where", () => {
    const bad = (body: unknown) => () => readPriceFile(write("bad.json", body));
    expect(bad("{ not json")).toThrow(PriceTableError);
    expect(bad("{ not json")).toThrow(/^not JSON \(/);
    expect(() => readPriceFile(join(dir, "missing.json"))).toThrow(new PriceTableError("cannot read it (ENOENT)"));
    expect(bad([])).toThrow(
      new PriceTableError(
        'expected a JSON object with "providers": { "<provider>": { "models": { "<model>": { "input": 2.5, "output": 10 } } } }',
      ),
    );
    expect(bad({ providers: {}, currency: "EUR" })).toThrow(
      new PriceTableError('unknown field "currency" (a price file has "providers", and optionally "source")'),
    );
    expect(bad({ providers: { openai: { "gpt-4o": { input: 1 } } } })).toThrow(
      new PriceTableError('providers.openai: expected { "models": { ... } }'),
    );
    expect(bad({ providers: { openai: { models: { "gpt-4o": { inputs: 1, output: 2 } } } } })).toThrow(
      new PriceTableError(
        'providers.openai.models.gpt-4o: unknown field "inputs" (known: input, output, cacheRead, cacheWrite, reasoning, match, since)',
      ),
    );
    expect(bad({ providers: { openai: { models: { "gpt-4o": { input: -1, output: 2 } } } } })).toThrow(
      new PriceTableError(
        "providers.openai.models.gpt-4o.input: a price must be a number of USD per million tokens, 0 or more (got -1)",
      ),
    );
    expect(bad({ providers: { openai: { models: { "gpt-4o": { input: "2.5", output: 2 } } } } })).toThrow(
      new PriceTableError(
        'providers.openai.models.gpt-4o.input: a price is a number of USD per million tokens, or { "base": n, "tiers": [{ "start": tokens, "price": n }] } (got "2.5")',
      ),
    );
    expect(bad({ providers: { openai: { models: { "gpt-4o": { cacheRead: 1 } } } } })).toThrow(
      new PriceTableError('providers.openai.models.gpt-4o: give at least "input" or "output" (USD per million tokens)'),
    );
    expect(bad({ providers: { openai: { models: { "gpt-4o": { input: 1, match: { regex: "(" } } } } } })).toThrow(
      /^providers\.openai\.models\.gpt-4o\.match\.regex: Invalid regular expression/,
    );
    expect(bad({ providers: { openai: { models: { "gpt-4o": { input: 1, match: { like: "gpt" } } } } } })).toThrow(
      new PriceTableError(
        'providers.openai.models.gpt-4o.match: a match rule is one of { "equals", "starts_with", "ends_with", "contains", "regex", "or", "and" } (got {"like":"gpt"})',
      ),
    );
    expect(bad({ providers: { openai: { names: "openai", models: {} } } })).toThrow(
      new PriceTableError("providers.openai.names: a list of strings"),
    );
  });

  it("is a flag of the command and an option of startViewer, which rejects a bad file before listening", async () => {
    const run = parseCli(["--prices", "my-prices.json"]);
    expect(run.kind === "run" && run.options.prices).toBe("my-prices.json");
    const file = write("typo.json", { providers: { openai: { models: { "gpt-4o": { input: 1, ouput: 2 } } } } });
    await expect(testViewer({ prices: file })).rejects.toThrow(
      new ViewerError(
        `--prices ${file}: providers.openai.models.gpt-4o: unknown field "ouput" (known: input, output, cacheRead, cacheWrite, reasoning, match, since)`,
      ),
    );
    await expect(testViewer({ prices: join(dir, "none.json") })).rejects.toThrow(
      new ViewerError(`--prices ${join(dir, "none.json")}: cannot read it (ENOENT)`),
    );
  });
});
