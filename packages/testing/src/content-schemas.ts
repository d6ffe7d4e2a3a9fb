// The content JSON schemas and their validator live in `@otel-agents/core/conformance`.
export { CONTENT_SCHEMAS, validateContentAttribute } from "../../core/src/conformance/index.js";
