import type { ServerInfo } from "../operation/types.js";

/**
 * A provider's endpoint (a base URL, a request URL) as `server.address` and `server.port`: the
 * scheme's default port when the URL names none, an IPv6 host without its brackets. Undefined for
 * anything that is not an absolute URL with a host.
 */
export function serverOfUrl(url: unknown): ServerInfo | undefined {
  if (typeof url !== "string" || url.length === 0) return undefined;
  try {
    const u = new URL(url);
    if (!u.hostname) return undefined;
    const port = u.port ? Number(u.port) : u.protocol === "https:" ? 443 : u.protocol === "http:" ? 80 : undefined;
    return { address: u.hostname.replace(/^\[(.*)\]$/, "$1"), port };
  } catch {
    return undefined;
  }
}
