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
  return Array.isArray(handoffs) && handoffs.some(isName);
}

const isName = (h: unknown): boolean => typeof h === "string" && h.length > 0;

/** An OpenTelemetry SDK span (SDK 2 and 3): its parent is a plain field, read when it is exported. */
type SdkSpan = Span & { parentSpanContext?: SpanContext | undefined };

const isSdkSpan = (span: Span): span is SdkSpan => span.isRecording() && "parentSpanContext" in span;

let warned = false;

// Putting a workflow span above `child`, an open span already started (the entry agent of a run
// found to coordinate agents only once one of its tools ran an agent), takes two calls around the
// start of the workflow (two plain calls rather than one taking a callback, which would be a closure
// per call): `parentAbove` says where to start it, in `child`'s trace and in `child`'s place (the
// same parent, or none); `putAbove` then makes `child` its child before either is exported. Spans of
// other TracerProviders cannot be moved: the workflow is then exported as `child`'s sibling, said
// once through diag.

/** The parent context for a workflow span that is to go above `child` (see above). */
export function parentAbove(child: Span, root: Context): Context {
  if (!isSdkSpan(child)) return root;
  const original = child.parentSpanContext;
  if (!original) {
    // A root span: a stand-in remote parent gives the workflow the same trace id; `putAbove` removes the link to it.
    const own = child.spanContext();
    return trace.setSpanContext(root, { traceId: own.traceId, spanId: own.spanId, traceFlags: own.traceFlags, isRemote: true });
  }
  const active = trace.getSpanContext(root);
  return active?.spanId !== original.spanId || active.traceId !== original.traceId ? trace.setSpanContext(root, original) : root;
}

/** Makes `child` the child of `workflow`, a span just started in `parentAbove(child, ...)` (see above). */
export function putAbove(workflow: Span, child: Span): void {
  if (!isSdkSpan(child)) {
    if (child.isRecording() && !warned) {
      warned = true;
      diag.warn(
        "otel-agents: the OpenAI Agents invoke_workflow span of a run with agents as tools cannot be put above its agent span " +
          "with this TracerProvider (not an OpenTelemetry SDK span); they are exported as siblings. Use the OpenTelemetry SDK's TracerProvider.",
      );
    }
    return;
  }
  if (isSdkSpan(workflow) && workflow.spanContext().traceId === child.spanContext().traceId) {
    workflow.parentSpanContext = child.parentSpanContext;
    child.parentSpanContext = workflow.spanContext();
  }
}
