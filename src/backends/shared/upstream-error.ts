import { kindForStatus, LipError } from "../../core/model/errors.ts";
import { redactText } from "../../core/redact.ts";

/** Upstream text may echo credentials: the same scrubbing as the logger's (core/redact.ts). */
export const redactSecrets = redactText;

/** `Retry-After` as seconds or an HTTP date; `retry-after-ms` wins when present. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Pull a human message out of a provider's JSON error body (every provider nests `error.message`). */
export function upstreamMessage(bodyText: string): string {
  try {
    const body = JSON.parse(bodyText) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof body.error === "string") return body.error;
    if (body.error && typeof body.error.message === "string") return body.error.message;
    if (typeof body.message === "string") return body.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return bodyText.slice(0, 300);
}

/**
 * An upstream HTTP failure as a canonical error. Before output, 408/429/5xx/529 are
 * recoverable (failover); 4xx client errors are the client's to fix and surface as they are.
 */
export function upstreamHttpError(backendId: string, status: number, bodyText: string, headers: Headers, retryMs = retryAfterMs(headers)): LipError {
  const kind = kindForStatus(status);
  const message = redactSecrets(`upstream ${backendId} returned ${status}: ${upstreamMessage(bodyText)}`).slice(0, 1000);
  return new LipError(kind, message, {
    status: status >= 500 ? (status === 503 || status === 529 ? 503 : 502) : status,
    recoverable: status === 408 || status === 429 || status >= 500,
    code: `upstream_${status}`,
    ...(retryMs !== undefined && { retryAfterMs: retryMs }),
  });
}

/** A network failure (refused, reset, DNS, TLS) before or during the response. */
export function transportError(backendId: string, thrown: unknown): LipError {
  const detail = thrown instanceof Error ? thrown.message : String(thrown);
  return new LipError("upstream", redactSecrets(`upstream ${backendId} unreachable: ${detail}`), { status: 502, recoverable: true, code: "upstream_transport" });
}
