// API keys and auth headers are never recorded, whatever the content setting: keys that name a
// secret are replaced, and strings that look like a provider key or a bearer token are masked.

export const REDACTED = "[REDACTED]";

const SECRET_KEYS = new Set([
  "apikey",
  "xapikey",
  "apitoken",
  "authorization",
  "proxyauthorization",
  "authtoken",
  "accesstoken",
  "refreshtoken",
  "idtoken",
  "sessiontoken",
  "bearertoken",
  "token",
  "password",
  "passwd",
  "secret",
  "clientsecret",
  "secretkey",
  "secretaccesskey",
  "privatekey",
  "cookie",
  "setcookie",
  "xgoogapikey",
  "ocpapimsubscriptionkey",
]);

/** True when an object key names a credential (`apiKey`, `Authorization`, `openAIApiKey`...). */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_\s]/g, "");
  return SECRET_KEYS.has(k) || k.endsWith("apikey") || k.endsWith("secretkey") || k.endsWith("accesstoken");
}

// sk-..., sk-ant-..., sk-proj-..., Google AIza..., AWS AKIA..., `Bearer <token>`, `Basic <b64>`.
const SECRET_VALUE =
  /\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}|AIza[0-9A-Za-z_-]{30,}|AKIA[0-9A-Z]{16}|(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,})/g;

/** Masks credential-looking substrings. */
export function maskSecrets(text: string): string {
  // Cheap pre-check: most strings contain none of the prefixes.
  if (!/sk-|AIza|AKIA|Bearer|Basic/.test(text)) return text;
  return text.replace(SECRET_VALUE, REDACTED);
}
