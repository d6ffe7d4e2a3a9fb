import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { OpenAIInstrumentation } from "@opentelemetry/instrumentation-openai";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";

// An app's instrumentation file: registered before `openai` is imported (this is a vitest setup
// file, run before each test file's imports). The tests point them at their own providers.
export const openaiInstrumentation = new OpenAIInstrumentation();
export const undiciInstrumentation = new UndiciInstrumentation();
registerInstrumentations({ instrumentations: [openaiInstrumentation, undiciInstrumentation] });
