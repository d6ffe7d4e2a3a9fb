import { h } from "./dom.js";
import { duration } from "./format.js";

/** A step of 1, 2 or 5 times a power of ten that cuts `span` into about `count` parts. */
export function niceStep(span: number, count = 6): number {
  const raw = Math.max(span, 1) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return mag * (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10);
}

/**
 * Ticks over [from, to] (microseconds since the trace's start): a mark and a label at each
 * round multiple of the step, placed in percent of the range.
 */
export function timeAxis(from: number, to: number): HTMLElement[] {
  const len = Math.max(to - from, 1);
  const step = niceStep(len);
  const ticks: HTMLElement[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to + step * 1e-9; t += step) {
    const left = ((t - from) / len) * 100;
    ticks.push(h("span", { class: "tick", style: { left: `${left}%` }, "data-us": String(Math.round(t)) }, duration(t)));
  }
  return ticks;
}
