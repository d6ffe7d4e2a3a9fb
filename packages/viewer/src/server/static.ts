import { existsSync, readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { extname, join, normalize } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".map": "application/json",
};

/** Serves the built page (dist/page): a fixed set of files, no directory listing, no path escape. */
export function serveStatic(root: string, pathname: string, res: ServerResponse): boolean {
  const rel = pathname === "/" ? "index.html" : normalize(pathname).replace(/^([/\\])+/, "");
  if (rel.startsWith("..") || rel.includes("\0")) return false;
  const file = join(root, rel);
  const type = TYPES[extname(file)];
  if (!type || !existsSync(file)) return false;
  res.writeHead(200, {
    "Content-Type": type,
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'",
  });
  res.end(readFileSync(file));
  return true;
}
