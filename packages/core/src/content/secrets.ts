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
  // Every key of every captured message and tool schema asks, and they are the same few keys
  // (`role`, `parts`, `type`, `content`...): remember the answers.
  const known = SECRET_KEY_ANSWERS.get(key);
  if (known !== undefined) return known;
  const k = key.toLowerCase().replace(/[-_\s]/g, "");
  const secret = SECRET_KEYS.has(k) || k.endsWith("apikey") || k.endsWith("secretkey") || k.endsWith("accesstoken");
  // Keys built per request (ids as keys) must not grow it without bound.
  if (SECRET_KEY_ANSWERS.size >= MAX_SECRET_KEY_ANSWERS) SECRET_KEY_ANSWERS.clear();
  SECRET_KEY_ANSWERS.set(key, secret);
  return secret;
}

const SECRET_KEY_ANSWERS = new Map<string, boolean>();
const MAX_SECRET_KEY_ANSWERS = 1024;

// sk-..., sk-ant-..., sk-proj-..., Google AIza..., AWS AKIA..., `Bearer <token>`, `Basic <b64>`.
const SECRET_VALUE =
  /\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}|AIza[0-9A-Za-z_-]{30,}|AKIA[0-9A-Z]{16}|(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,})/g;

/** What every credential `maskSecrets` masks starts with: a cheap first check. */
export const SECRET_PREFIXES = "sk-|AIza|AKIA|Bearer|Basic";
// Module-level: a literal inside a function makes a new RegExp object on every call.
const SECRET_PREFIX = new RegExp(SECRET_PREFIXES);

/** Masks credential-looking substrings. */
export function maskSecrets(text: string): string {
  // Most strings contain none of the prefixes.
  if (!SECRET_PREFIX.test(text)) return text;
  return text.replace(SECRET_VALUE, REDACTED);
}
