/**
 * Watches `result` settle (`onValue` with its value, `onError` with its error; neither may change
 * the outcome, and a throw of theirs is swallowed) and returns what to hand the caller in its place.
 *
 * A plain `Promise` is replaced by the promise chained after the watchers, which settles with the
 * same value or error, after them. A rejection the app never handles is then reported by Node once,
 * as it would be without instrumentation: a rejection handler on the app's own promise would mark
 * it handled and hide it (an unawaited call that fails would no longer crash or log). Any other
 * thenable (an SDK's promise subclass with methods of its own, such as `withResponse()`) is
 * returned as it is, watched through its own `then`: keeping its type wins over that report.
 * A non-thenable is returned as it is, and `onValue` sees it at once.
 */
export function followPromise<T>(
  result: T,
  onValue: ((value: Awaited<T>) => void) | undefined,
  onError: ((err: unknown) => void) | undefined,
): T {
  if (!isThenable(result)) {
    watch(onValue, result as Awaited<T>);
    return result;
  }
  if (Object.getPrototypeOf(result) === Promise.prototype) {
    return (result as unknown as Promise<Awaited<T>>).then(
      (value) => {
        watch(onValue, value);
        return value;
      },
      (err: unknown) => {
        watch(onError, err);
        throw err;
      },
    ) as T;
  }
  (result as unknown as PromiseLike<Awaited<T>>).then(
    (value) => watch(onValue, value),
    (err: unknown) => watch(onError, err),
  );
  return result;
}

function watch<V>(fn: ((value: V) => void) | undefined, value: V): void {
  if (!fn) return;
  try {
    fn(value);
  } catch {
    // A watcher of ours must not change what the caller gets.
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
