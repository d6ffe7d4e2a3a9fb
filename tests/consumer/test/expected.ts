// What each README snippet prints and exports, by snippet name: the same on SDK 3 and SDK 2 (`ai6-*`:
// an ai 6 app on SDK 3), as ESM and as CommonJS. Each span line: name, kind, the key attributes it has; roots add their resource.
// `stderr`: what the program may print there (nothing unless said).
export const EXPECTED: Record<string, { stdout: string; stderr?: string; tree: string; commonJs?: false }> = {
  "root-quickstart": {
    stdout: "Sunny.\n",
    tree: [
      'invoke_agent weather_agent INTERNAL agent.name="weather_agent"  [service.name="weather-agent" service.version="1.0.0" deployment.environment.name="dev"]',
      "  model_request INTERNAL",
      '    chat CLIENT provider.name="fakebuiltmodel"',
    ].join("\n"),
  },
  "core-quickstart": {
    stdout: "",
    tree: [
      'invoke_agent WeatherAgent INTERNAL agent.name="WeatherAgent" response.finish_reasons=["stop"] usage.input_tokens=52 usage.output_tokens=18  [service.name="my-agent" service.version=undefined deployment.environment.name=undefined]',
      '  chat gpt-4o-mini CLIENT provider.name="openai" request.model="gpt-4o-mini" response.model="gpt-4o-mini-2024-07-18" response.finish_reasons=["stop"] usage.input_tokens=52 usage.output_tokens=18',
    ].join("\n"),
  },
  "core-adapter": {
    stdout: "echo: hello\n",
    // warnNoSdkOnce, through the DiagConsoleLogger the snippet sets: once for the two calls made before setup().
    stderr:
      "tiny-adapter: a TinyClient call was made, but no OpenTelemetry SDK is registered (no tracer provider and no meter provider), so it is not recorded. Call setup() before the first call.\n",
    tree: 'chat gpt-4o-mini CLIENT provider.name="openai" request.model="gpt-4o-mini" response.finish_reasons=["stop"] server.address="llm.internal" server.port=8443  [service.name="tiny-app" service.version=undefined deployment.environment.name=undefined]',
  },
  "core-adapter-mcp": {
    stdout: "",
    // The protocol version comes from update(), after the span started.
    tree: 'initialize CLIENT server.address="127.0.0.1" server.port=3000 mcp.protocol.version="2025-06-18"  [service.name="tiny-app" service.version=undefined deployment.environment.name=undefined]',
  },
  "langchain-quickstart": {
    stdout: "It is sunny in Paris.\n",
    tree: [
      'invoke_agent weather_agent INTERNAL agent.name="weather_agent" conversation.id="thread-1"  [service.name="weather-agent" service.version="1.0.0" deployment.environment.name="dev"]',
      "  model_request INTERNAL",
      '    chat CLIENT provider.name="fakebuiltmodel" conversation.id="thread-1"',
      "  tools INTERNAL",
      '    execute_tool get_weather INTERNAL agent.name="weather_agent" tool.name="get_weather" tool.call.id="call_1" conversation.id="thread-1"',
      "  model_request INTERNAL",
      '    chat CLIENT provider.name="fakebuiltmodel" conversation.id="thread-1"',
    ].join("\n"),
  },
  "ai6-nodesdk": {
    stdout: "It is sunny in Paris.\n",
    // The instrumentation's one notice on ai 6 (no diag logger set: the console).
    stderr:
      "[otel-agents] @otel-agents/ai-sdk: ai 6.0.333 is installed. AiSdkInstrumentation traces the ai 6 calls that turn telemetry on (experimental_telemetry: { isEnabled: true }, or in a ToolLoopAgent's settings): ai 6 has no switch for every call, so calls without it are not traced.\n",
    tree: [
      'invoke_agent support-agent INTERNAL agent.name="support-agent" request.model="gpt-4o" response.finish_reasons=["tool_call","stop"] usage.input_tokens=40 usage.output_tokens=16  [service.name="support-agent" service.version=undefined deployment.environment.name=undefined]',
      '  chat gpt-4o CLIENT provider.name="openai" request.model="gpt-4o" response.model="gpt-4o" response.finish_reasons=["tool_call"] usage.input_tokens=20 usage.output_tokens=8',
      '  execute_tool weather INTERNAL agent.name="support-agent" tool.name="weather" tool.call.id="call_1"',
      '  chat gpt-4o CLIENT provider.name="openai" request.model="gpt-4o" response.model="gpt-4o" response.finish_reasons=["stop"] usage.input_tokens=20 usage.output_tokens=8',
    ].join("\n"),
  },
  "ai-sdk-quickstart": {
    stdout: "It is sunny in Paris.\n",
    tree: [
      'invoke_agent support-agent INTERNAL agent.name="support-agent" request.model="gpt-4o" response.finish_reasons=["tool_call","stop"] usage.input_tokens=40 usage.output_tokens=16  [service.name="support-agent" service.version="1.0.0" deployment.environment.name="dev"]',
      '  chat gpt-4o CLIENT provider.name="openai" request.model="gpt-4o" response.model="gpt-4o" response.finish_reasons=["tool_call"] usage.input_tokens=20 usage.output_tokens=8',
      '  execute_tool weather INTERNAL agent.name="support-agent" tool.name="weather" tool.call.id="call_1"',
      '  chat gpt-4o CLIENT provider.name="openai" request.model="gpt-4o" response.model="gpt-4o" response.finish_reasons=["stop"] usage.input_tokens=20 usage.output_tokens=8',
    ].join("\n"),
  },
  "openai-agents-quickstart": {
    stdout: "It is sunny in Paris.\n",
    // The Agents SDK's own exporter to the OpenAI dashboard, which the instrumentation keeps beside ours.
    stderr: "No API key provided for OpenAI tracing exporter. Exports will be skipped\n",
    tree: [
      // A standalone agent run: no invoke_workflow span above it (conventions #354).
      'invoke_agent Weather INTERNAL agent.name="Weather" response.finish_reasons=["tool_call","stop"] usage.input_tokens=0 usage.output_tokens=0  [service.name="weather-agent" service.version="1.0.0" deployment.environment.name="dev"]',
      '  chat CLIENT provider.name="unknown" response.finish_reasons=["tool_call"] usage.input_tokens=0 usage.output_tokens=0',
      '  execute_tool get_weather INTERNAL agent.name="Weather" tool.name="get_weather" tool.call.id="call_1"',
      '  chat CLIENT provider.name="unknown" response.finish_reasons=["stop"] usage.input_tokens=0 usage.output_tokens=0',
    ].join("\n"),
  },
  "mcp-quickstart": {
    stdout: "It is sunny in Paris.\n",
    // Each request its own trace here (no span of the app's around them); each server span the
    // remote child of its client span through params._meta, as across processes.
    tree: [
      'initialize CLIENT mcp.protocol.version="2025-11-25"  [service.name="weather-agent" service.version="1.0.0" deployment.environment.name="dev"]',
      '  initialize SERVER mcp.protocol.version="2025-11-25"',
      'notifications/initialized CLIENT mcp.protocol.version="2025-11-25"  [service.name="weather-agent" service.version="1.0.0" deployment.environment.name="dev"]',
      '  notifications/initialized SERVER mcp.protocol.version="2025-11-25"',
      'tools/call get_weather CLIENT tool.name="get_weather" mcp.protocol.version="2025-11-25"  [service.name="weather-agent" service.version="1.0.0" deployment.environment.name="dev"]',
      '  tools/call get_weather SERVER tool.name="get_weather" mcp.protocol.version="2025-11-25"',
    ].join("\n"),
  },
};
