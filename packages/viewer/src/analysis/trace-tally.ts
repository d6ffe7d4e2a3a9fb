import type { TraceSummary } from "../shared/model.js";
import { integrityOf, isInference, openParentsOf, reportsUsage, skewProblem, timeProblem } from "./integrity.js";
import { ListOrderSums } from "./list-order-sums.js";
import { RootPicker } from "./root-picker.js";
import { SearchWords } from "./search-words.js";
import { byListOrder, type SpanFacts } from "./span-facts.js";
import { countSpan, noCounts, rowOf, searchHead, searchText, summarize } from "./summarize.js";

/** A trace's list row, with what the store keeps beside it. */
export interface TallyRow {
  summary: TraceSummary;
  /** Parents its spans name that have not arrived (openParentsOf). */
  openParents: number;
  /** Spans under those parents with no integrity problem of their own. */
  orphans: number;
  /** searchText(). */
  search: string;
}

/** A span and where it stands in its trace, kept up to date as the rest of the trace arrives. */
interface Node {
  readonly f: SpanFacts;
  readonly inference: boolean;
  /** A model call with usage of its own (reportsUsage). */
  readonly usage: boolean;
  /** It never ended, or ends before it starts (timeProblem). */
  readonly badTimes: boolean;
  /** Its exporter sent a parent id that is no span id (invalidParentLine). */
  readonly badParent: boolean;
  /** Its times do not fit in its parent's (skewProblem). */
  skewed: boolean;
  /** A model call with usage is above it (usageAncestor). */
  usageAbove: boolean;
  /** A model call with usage is below it. */
  usageBelow: boolean;
  /** An earlier span (list order) has its response id. */
  laterResponse: boolean;
  /** An earlier model call with usage has its response id (it being one too). */
  laterUsageResponse: boolean;
}

/** What a span adds to the row beyond its own counts: taken before a batch changes its standing, and after. */
interface Share {
  /** It has an integrity problem (integrityOf). */
  flagged: boolean;
  /** Its parent has not arrived and it has no integrity problem. */
  orphan: boolean;
  /** Its tokens count (summarize: a model call not counted twice). */
  counted: boolean;
}

const NO_SHARE: Share = { flagged: false, orphan: false, counted: false };

/**
 * The list row of a trace that arrives batch by batch, kept up to date with work in proportion to
 * each batch: a span's arrival changes the standing of the spans whose parent it is, of those
 * below it when it brings a model call with usage above them, of the span that held its response
 * id first and of the remote agent calls; every other span's share of the row stays as it was.
 * The row equals summarize(), integrityOf() and openParentsOf() over all the spans in list order.
 *
 * Span ids used twice and parent cycles make "the parent" of a span depend on the whole trace:
 * from the first such span on, the row is computed from all the spans instead (as it always was).
 */
export class TraceTally {
  private readonly facts: SpanFacts[] = [];
  private readonly byId = new Map<string, Node>();
  /** The spans under each parent id, arrived or not. */
  private readonly children = new Map<string, Node[]>();
  private whole = false;
  private readonly counts = noCounts();
  private flagged = 0;
  private orphans = 0;
  private openParents = 0;
  private readonly sums = new ListOrderSums();
  private readonly roots = new RootPicker();
  private readonly words = new SearchWords();
  private readonly firstResponse = new Map<string, Node>();
  private readonly firstUsageResponse = new Map<string, Node>();
  /** Remote agent calls with usage (remoteAgentsCounted's candidates), and the ones counted now. */
  private readonly remoteAgents: Node[] = [];
  private remoteCounted = new Set<Node>();

  get spanCount(): number {
    return this.facts.length;
  }

  /** Adds spans not in the trace before (each key once). */
  add(spans: readonly SpanFacts[]): void {
    const before = new Map<Node, Share>();
    for (const f of spans) {
      this.facts.push(f);
      if (!this.whole && !this.link(f, before)) this.whole = true;
    }
    if (this.whole) return;
    for (const [node, was] of before) this.settle(node, was);
    if (this.remoteAgents.length > 0) this.countRemoteAgents();
  }

  row(traceId: string, receivedUs?: number): TallyRow {
    if (this.whole) return this.wholeRow(traceId, receivedUs);
    const root = this.roots.earliest((f) => this.parentMissing(f));
    const summary = rowOf(traceId, root, this.counts, this.sums.totals(), this.flagged, receivedUs);
    return {
      summary,
      openParents: this.openParents,
      orphans: this.orphans,
      search: this.words.textWith(searchHead(summary)),
    };
  }

  /** Links one arriving span into the tree; false when it makes the tree irregular (an id taken, a cycle). */
  private link(f: SpanFacts, before: Map<Node, Share>): boolean {
    if (this.byId.has(f.spanId) || f.parentSpanId === f.spanId) return false;
    const node: Node = {
      f,
      inference: isInference(f),
      usage: reportsUsage(f),
      badTimes: timeProblem(f) !== undefined,
      badParent: f.invalidParent !== undefined,
      skewed: false,
      usageAbove: false,
      usageBelow: false,
      laterResponse: false,
      laterUsageResponse: false,
    };
    before.set(node, NO_SHARE);
    const kids = this.children.get(f.spanId);
    // Their parent was missing until now: their share is taken before it arrives.
    if (kids) for (const k of kids) this.remember(k, before);
    this.byId.set(f.spanId, node);
    const parent = f.parentSpanId ? this.byId.get(f.parentSpanId) : undefined;
    if (parent) {
      if (kids && this.isAbove(node, parent)) return false;
      node.skewed = skewProblem(f, parent.f) !== undefined;
      node.usageAbove = parent.usage || parent.usageAbove;
    } else {
      this.roots.push(f);
    }
    if (f.parentSpanId) {
      const siblings = this.children.get(f.parentSpanId);
      if (siblings) siblings.push(node);
      else {
        this.children.set(f.parentSpanId, [node]);
        if (!parent) this.openParents++;
      }
    }
    if (kids) {
      this.openParents--;
      for (const k of kids) k.skewed = skewProblem(k.f, f) !== undefined;
      if (node.usage || node.usageAbove) this.markUsageAbove(kids, before);
      node.usageBelow = kids.some((k) => k.usage || k.usageBelow);
    }
    if (node.usage || node.usageBelow) {
      for (let p = parent; p && !p.usageBelow; p = this.parentOf(p)) p.usageBelow = true;
    }
    this.claimResponseId(node, before);
    countSpan(this.counts, f);
    this.words.add(f);
    if (f.remoteAgent && f.hasUsage) this.remoteAgents.push(node);
    return true;
  }

  /** The spans under `kids` (and they) get a model call with usage above them, down to the next one. */
  private markUsageAbove(kids: readonly Node[], before: Map<Node, Share>): void {
    const stack = [...kids];
    for (let k = stack.pop(); k; k = stack.pop()) {
      if (k.usageAbove) continue;
      this.remember(k, before);
      k.usageAbove = true;
      if (k.usage) continue;
      for (const c of this.children.get(k.f.spanId) ?? []) stack.push(c);
    }
  }

  /** countedTwice() and integrityOf() keep the first span of each response id in list order. */
  private claimResponseId(node: Node, before: Map<Node, Share>): void {
    const id = node.f.responseId;
    if (!id) return;
    node.laterResponse = this.claim(this.firstResponse, id, node, before, "laterResponse");
    if (node.usage) node.laterUsageResponse = this.claim(this.firstUsageResponse, id, node, before, "laterUsageResponse");
  }

  /** Whether an earlier span holds the id; if not, node takes it from the one that did. */
  private claim(
    firsts: Map<string, Node>,
    id: string,
    node: Node,
    before: Map<Node, Share>,
    later: "laterResponse" | "laterUsageResponse",
  ): boolean {
    const first = firsts.get(id);
    if (first && byListOrder(first.f, node.f) < 0) return true;
    if (first) {
      this.remember(first, before);
      first[later] = true;
    }
    firsts.set(id, node);
    return false;
  }

  /** remoteAgentsCounted() over the candidates only: few, and their standing can change with any span. */
  private countRemoteAgents(): void {
    const standing = new Set(this.remoteAgents.filter((a) => !a.usageAbove && !a.laterResponse && !a.usageBelow));
    const counted = new Set<Node>();
    for (const a of standing) {
      let above = this.parentOf(a);
      while (above && !standing.has(above)) above = this.parentOf(above);
      if (!above) counted.add(a);
    }
    for (const a of this.remoteCounted) if (!counted.has(a)) this.sums.remove(a.f);
    for (const a of counted) if (!this.remoteCounted.has(a)) this.sums.add(a.f);
    this.remoteCounted = counted;
  }

  private remember(node: Node, before: Map<Node, Share>): void {
    if (!before.has(node)) before.set(node, this.shareOf(node));
  }

  private settle(node: Node, was: Share): void {
    const now = this.shareOf(node);
    this.flagged += Number(now.flagged) - Number(was.flagged);
    this.orphans += Number(now.orphan) - Number(was.orphan);
    if (now.counted && !was.counted) this.sums.add(node.f);
    else if (was.counted && !now.counted) this.sums.remove(node.f);
  }

  private shareOf(n: Node): Share {
    const flagged = n.badTimes || n.badParent || n.skewed || (n.usage && (n.usageAbove || n.laterUsageResponse));
    return {
      flagged,
      orphan: !flagged && !!n.f.parentSpanId && !this.byId.has(n.f.parentSpanId),
      counted: n.inference && !n.usageAbove && !n.laterResponse,
    };
  }

  /** rootOf()'s test: no parent, or one not in the trace. */
  private parentMissing(f: SpanFacts): boolean {
    return !f.parentSpanId || !this.byId.has(f.parentSpanId);
  }

  private parentOf(n: Node): Node | undefined {
    return n.f.parentSpanId ? this.byId.get(n.f.parentSpanId) : undefined;
  }

  /** Whether node is reached walking up from `from`: linking node closed a parent cycle. */
  private isAbove(node: Node, from: Node): boolean {
    for (let p: Node | undefined = from; p; p = this.parentOf(p)) if (p === node) return true;
    return false;
  }

  /** The row from every span, for traces with ids used twice or parent cycles. */
  private wholeRow(traceId: string, receivedUs?: number): TallyRow {
    const facts = [...this.facts].sort(byListOrder);
    const integrity = integrityOf(facts);
    const summary = summarize(traceId, facts, integrity.size, receivedUs);
    const open = openParentsOf(facts);
    let orphans = 0;
    for (const keys of open.values()) for (const key of keys) if (!integrity.has(key)) orphans++;
    return { summary, openParents: open.size, orphans, search: searchText(facts, summary) };
  }
}
