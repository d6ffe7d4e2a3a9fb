// The tool runs open inside one run, kept on that run's own record rather than in maps of their
// own. A run nearly always has one tool open at a time: one id is kept as itself, several as a list.

export type OpenTools = string | string[] | undefined;

export function withTool(open: OpenTools, toolRunId: string): OpenTools {
  if (open === undefined || open === toolRunId) return toolRunId;
  if (typeof open === "string") return [open, toolRunId];
  if (!open.includes(toolRunId)) open.push(toolRunId);
  return open;
}

export function withoutTool(open: OpenTools, toolRunId: string): OpenTools {
  if (typeof open === "string") return open === toolRunId ? undefined : open;
  if (open === undefined) return undefined;
  const i = open.indexOf(toolRunId);
  if (i >= 0) open.splice(i, 1);
  return open.length === 0 ? undefined : open;
}

/** The tool run open inside the run when it is the only one. */
export function onlyTool(open: OpenTools): string | undefined {
  if (typeof open === "string") return open;
  return open?.length === 1 ? open[0] : undefined;
}
