import type { ServerResponse } from "node:http";
import type { TracesChangedEvent } from "../shared/model.js";

/** Server-sent events to every open page: which traces changed, so it refreshes what it shows. */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();

  attach(res: ServerResponse): void {
    res.writeHead(200, {
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-cache",
      Connection: "keep-alive",
    });
    // The first event tells the page (and tests) that the stream is live.
    res.write("event: ready\ndata: {}\n\n");
    this.clients.add(res);
    res.on("close", () => this.clients.delete(res));
  }

  tracesChanged(traceIds: string[]): void {
    if (traceIds.length === 0) return;
    const event: TracesChangedEvent = { traceIds };
    const frame = `event: traces\ndata: ${JSON.stringify(event)}\n\n`;
    for (const res of this.clients) res.write(frame);
  }

  /** New metric points arrived: an open chart redraws. */
  metricsChanged(points: number): void {
    if (points === 0) return;
    const frame = `event: metrics\ndata: ${JSON.stringify({ points })}\n\n`;
    for (const res of this.clients) res.write(frame);
  }

  close(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
