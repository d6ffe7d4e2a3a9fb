// One contract suite for every adapter: each facet is a function an adapter's test file calls with
// its driver (how to register the adapter and run one operation) and the whole trees it expects.
export { type AbortCase, abortContract } from "./aborts.js";
export { type AdversarialCase, adversarialContract } from "./adversarial.js";
export { type CompatCase, compatContract } from "./compat.js";
export { concurrencyContract } from "./concurrency.js";
export { type AdapterDriver, type ExpectedOptions, echoBody, type RunOptions } from "./driver.js";
export { type IdleCase, idleContract } from "./idle.js";
export { noSdkWarningContract } from "./no-sdk.js";
export { outgoingParentSpanId, stepContextContract } from "./step-context.js";
export { caretToRange, fakeVersions } from "./versions.js";
