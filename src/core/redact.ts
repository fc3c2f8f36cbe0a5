/**
 * Secret scrubbing for anything a person may read (logs, config error messages). Two nets:
 * fields whose name says "secret", and text that looks like a provider key wherever it appears.
 */

export const redacted = "[REDACTED]";

const sensitiveName = /key|authorization|token|secret|password|cookie/i;

/** True for field names like `api_key`, `Authorization`, `refresh_token`, `client_secret`. */
export function isSensitiveName(name: string): boolean {
  return sensitiveName.test(name);
}

// Provider key shapes (OpenAI/Anthropic `sk-…`, Google `AIza…`) and bearer credentials.
// One net for logs and client-visible upstream errors alike: the wider of the two earlier ones.
const keyShapes = /(?<![A-Za-z0-9])(?:sk-[A-Za-z0-9_-]{8,}|AIza[0-9A-Za-z_-]{20,})|(?<=\bBearer\s+)[A-Za-z0-9._~+/-]{8,}=*/g;

/**
 * Keys lipstd holds (backend key pools): upstreams echo the key they were sent, and many keys
 * (Azure's hex keys, proxies' tokens) have no recognisable shape. Shorter strings are not
 * remembered, as replacing them would mangle ordinary text.
 */
const knownSecrets = new Set<string>();
const shortestRemembered = 8;

export function rememberSecret(secret: string): void {
  if (secret.length >= shortestRemembered) knownSecrets.add(secret);
}

/** Remove every remembered key from `text`. */
export function redactKnownSecrets(text: string): string {
  let result = text;
  for (const secret of knownSecrets) if (result.includes(secret)) result = result.replaceAll(secret, redacted);
  return result;
}

/** Replace every remembered key and every key-shaped substring with `[REDACTED]`. */
export function redactText(text: string): string {
  return redactKnownSecrets(text).replace(keyShapes, redacted);
}

/**
 * A copy of `value` safe to print. Values under sensitive names are replaced unless they are
 * numbers or booleans (counts like `input_tokens` or `keys: 2` carry no secret); strings
 * anywhere are scrubbed of key shapes. Depth-limited so a cyclic object cannot hang the logger.
 */
export function redactValue(value: unknown, name = "", depth = 0): unknown {
  if (value === null || value === undefined || typeof value === "number" || typeof value === "boolean") return value;
  if (name && isSensitiveName(name)) return redacted;
  if (typeof value === "string") return redactText(value);
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (typeof value !== "object") return String(value);
  if (depth >= 8) return "[…]";
  if (Array.isArray(value)) return value.map((item) => redactValue(item, "", depth + 1));
  if (value instanceof Headers) return redactValue(Object.fromEntries(value), "", depth);
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = redactValue(item, key, depth + 1);
  return copy;
}
