import {
  type Attributes,
  type Counter,
  createNoopMeter,
  type Histogram,
  type Meter,
  type MeterProvider,
  metrics,
  ValueType,
} from "@opentelemetry/api";
import { METRICS, type MetricDefinition, SCHEMA_URL } from "../semconv/names.js";

type Instrument = Histogram | Counter;

// The API returns this one meter whenever no MeterProvider is registered.
const NOOP_METER = createNoopMeter();

/**
 * The GenAI instruments of one meter, created on first use with the registry's units and bucket
 * advice. Without an explicit MeterProvider the global one is re-read, so a provider registered
 * after the adapter was constructed is still used (the metrics API has no proxy provider).
 */
export class Instruments {
  private meter: Meter | undefined;
  private provider: MeterProvider | undefined;
  private readonly cache = new Map<string, Instrument>();

  constructor(
    private readonly scope: { name: string; version?: string },
    private readonly explicitProvider: MeterProvider | undefined,
    // The GenAI table by default; the MCP operations bring theirs.
    private readonly definitions: Readonly<Record<string, MetricDefinition>> = METRICS,
  ) {}

  /** False while there is no MeterProvider (the API's no-op one): then nothing is worth computing. */
  enabled(): boolean {
    return this.currentMeter() !== NOOP_METER;
  }

  record(name: string, value: number, attributes: Attributes): void {
    const def = this.definitions[name];
    if (!def) return;
    const filtered: Attributes = {};
    for (const key of Object.keys(attributes)) {
      if (def.attributes.has(key) && attributes[key] !== undefined) filtered[key] = attributes[key];
    }
    const instrument = this.instrument(name);
    if (def.instrument === "counter") (instrument as Counter).add(value, filtered);
    else (instrument as Histogram).record(value, filtered);
  }

  private currentMeter(): Meter {
    const provider = this.explicitProvider ?? metrics.getMeterProvider();
    if (provider !== this.provider || !this.meter) {
      this.provider = provider;
      this.meter = provider.getMeter(this.scope.name, this.scope.version, { schemaUrl: SCHEMA_URL });
      this.cache.clear();
    }
    return this.meter;
  }

  private instrument(name: string): Instrument {
    const meter = this.currentMeter();
    let instrument = this.cache.get(name);
    if (!instrument) {
      const def = this.definitions[name] as MetricDefinition;
      const options = {
        unit: def.unit,
        description: def.description,
        valueType: def.valueType === "int" ? ValueType.INT : ValueType.DOUBLE,
        ...(def.buckets ? { advice: { explicitBucketBoundaries: [...def.buckets] } } : {}),
      };
      instrument = def.instrument === "counter" ? meter.createCounter(name, options) : meter.createHistogram(name, options);
      this.cache.set(name, instrument);
    }
    return instrument;
  }
}
