import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where the viewer keeps its database when no --db is given: the platform's cache folder
 * ($XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows).
 */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = homedir();
  let base: string;
  if (platform === "darwin") base = join(home, "Library", "Caches");
  else if (platform === "win32") base = env.LOCALAPPDATA ?? join(home, "AppData", "Local");
  else base = env.XDG_CACHE_HOME || join(home, ".cache");
  return join(base, "otel-agents-viewer", "traces.sqlite");
}
