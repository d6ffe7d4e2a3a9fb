import { noSdkWarningContract } from "@otel-agents/testing/contract";
import { driver } from "./driver.js";

// A file of its own: the warning is said once per process.
noSdkWarningContract(
  driver,
  "otel-agents/langchain: a LangChain run started, but no OpenTelemetry SDK is registered (no tracer provider and no meter provider), so it is not recorded. Start one before the first run, e.g. new NodeSDK({ instrumentations: [new LangChainInstrumentation()] }).start() from @opentelemetry/sdk-node, or pass tracerProvider to the OpenTelemetryCallbackHandler.",
);
