// What an ESM app runs first (`node --import ./esm-hook.mjs app.js`), as the OpenTelemetry JS ESM
// guide says: import-in-the-middle's loader, so that instrumentations can patch `import`ed modules.
import { register } from "node:module";

register("@opentelemetry/instrumentation/hook.mjs", import.meta.url);
