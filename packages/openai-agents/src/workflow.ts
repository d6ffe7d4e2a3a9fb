import { type Context, diag, type Span, type SpanContext, trace } from "@opentelemetry/api";

// When an Agents trace is an `invoke_workflow` (conventions #354): only a run that coordinates
// several agents (handoffs, agents used as tools) or one the app defined as a workflow (several
// runs in one `withTrace`), never a standalone agent run. The trace itself cannot tell: the SDK
// opens one for every run, named "Agent workflow" unless the app named it.

/** The name the SDK gives a trace, a task and a workflow the app did not name. */
export const DEFAULT_WORKFLOW_NAME = "Agent workflow";

/** A name the app gave (Runner `workflowName`, `withTrace` name); the SDK's default constant is none. */
export function appWorkflowName(name: unknown): string | undefined {
  return typeof name === "string" && name.length > 0 && name !== DEFAULT_WORKFLOW_NAME ? name : undefined;
}

/** The handoffs an agent span lists when it starts (the enabled ones of its first turn). */
export function hasHandoffs(handoffs: unknown): boolean {
  return Array.isArray(handoffs) && handoffs.some((h) => typeof h === "string" && h.length > 0);
}

/** An OpenTelemetry SDK span (SDK 2 and 3): its parent is a plain field, read when it is exported. */
type SdkSpan = Span & { parentSpanContext?: SpanContext | undefined };

const isSdkSpan = (span: Span): span is SdkSpan => span.isRecording() && "parentSpanContext" in span;

let warned = false;

/**
 * Puts a workflow span above `child`, an open span already started (the entry agent of a run
 * found to coordinate agents only once one of its tools ran an agent). The workflow is started by
 * `start` in `child`'s trace, in `child`'s place (the same parent, or none), and `child` becomes its
 * child before either is exported. Spans of other TracerProviders cannot be moved: the workflow is
 * then exported as `child`'s sibling, said once through diag.
 */
export function startAbove<T extends { span: Span }>(child: Span, root: Context, start: (parent: Context) => T): T {
  if (!isSdkSpan(child)) {
    const handle = start(root);
    if (child.isRecording() && !warned) {
      warned = true;
      diag.warn(
        "otel-agents: the OpenAI Agents invoke_workflow span of a run with agents as tools cannot be put above its agent span " +
          "with this TracerProvider (not an OpenTelemetry SDK span); they are exported as siblings. Use the OpenTelemetry SDK's TracerProvider.",
      );
    }
    return handle;
  }
  const original = child.parentSpanContext;
  const own = child.spanContext();
  const active = trace.getSpanContext(root);
  let parent = root;
  if (!original) {
    // A root span: a stand-in remote parent gives the workflow the same trace id; the link to it is removed below.
    parent = trace.setSpanContext(root, { traceId: own.traceId, spanId: own.spanId, traceFlags: own.traceFlags, isRemote: true });
  } else if (active?.spanId !== original.spanId || active.traceId !== original.traceId) {
    parent = trace.setSpanContext(root, original);
  }
  const handle = start(parent);
  const workflow = handle.span;
  if (isSdkSpan(workflow) && workflow.spanContext().traceId === own.traceId) {
    workflow.parentSpanContext = original;
    child.parentSpanContext = workflow.spanContext();
  }
  return handle;
}
