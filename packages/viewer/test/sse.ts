/** A server-sent-events client for tests: resolves on named events, so tests wait on the stream, not on time. */
export async function openEvents(url: string) {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  if (!res.ok || !res.body) throw new Error(`SSE ${url}: ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const queue: { event: string; data: unknown }[] = [];
  const waiters: {
    test: (e: { event: string; data: unknown }) => boolean;
    resolve: (e: { event: string; data: unknown }) => void;
  }[] = [];
  let buffer = "";
  const pump = async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1] ?? "message";
        const data = JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? "null") as unknown;
        const e = { event, data };
        const i = waiters.findIndex((w) => w.test(e));
        if (i >= 0) waiters.splice(i, 1)[0]!.resolve(e);
        else queue.push(e);
      }
    }
  };
  void pump();
  const next = (test: (e: { event: string; data: unknown }) => boolean) =>
    new Promise<{ event: string; data: unknown }>((resolve) => {
      const i = queue.findIndex(test);
      if (i >= 0) resolve(queue.splice(i, 1)[0]!);
      else waiters.push({ test, resolve });
    });
  await next((e) => e.event === "ready");
  return {
    /** The next `traces` event that names this trace. */
    traceChanged: (traceId: string) =>
      next((e) => e.event === "traces" && (e.data as { traceIds: string[] }).traceIds.includes(traceId)),
    /** The data of the next event of that name. */
    event: (name: string) => next((e) => e.event === name).then((e) => e.data),
    close: () => controller.abort(),
  };
}
