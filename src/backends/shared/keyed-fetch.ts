import { LipError } from "../../core/model/errors.ts";
import type { KeyPool } from "./key-pool.ts";
import { retryAfterMs, upstreamHttpError } from "./upstream-error.ts";
import { createUpstreamHttp, type UpstreamHttp } from "./upstream-http.ts";

const defaultCoolMs = 60_000;

export interface KeyedRequest {
  url: string;
  body: string;
  headers: (key: string | undefined) => Record<string, string>;
  signal: AbortSignal;
  /** Provider-specific retry delay from an error body (Gemini RetryInfo). */
  retryDelayFromBody?: (bodyText: string) => number | undefined;
  /** Proxy, pooled connections and timeouts (`upstreamHttpFor(environment)`); absent: defaults. */
  http?: UpstreamHttp;
  /** Provider-specific "this key is invalid" besides 401 (Gemini answers 400 API_KEY_INVALID). */
  keyRejected?: (status: number, bodyText: string) => boolean;
}

let defaultHttp: UpstreamHttp | undefined;

/**
 * POSTs with the pool's keys: a 401 kills the key and the next one is tried at once; a 429
 * cools the key and moves on to another usable key. Other failures are canonical errors.
 * Returns the successful response with its body unread.
 */
export async function keyedFetch(backendId: string, pool: KeyPool | undefined, request: KeyedRequest): Promise<Response> {
  let lastError: LipError | undefined;
  const tries = Math.max(1, pool?.size ?? 1);
  for (let attempt = 0; attempt < tries; attempt++) {
    const key = pool ? pool.acquireOr(lastError) : undefined;
    const http = request.http ?? (defaultHttp ??= createUpstreamHttp());
    const response = await http.fetch(backendId, request.url, { method: "POST", body: request.body, headers: request.headers(key), signal: request.signal });
    if (response.ok) return response;
    const text = await response.text().catch(() => "");
    const retryMs = retryAfterMs(response.headers) ?? request.retryDelayFromBody?.(text);
    // Upstreams echo credentials in error bodies: strip the one we sent, whatever its shape.
    lastError = upstreamHttpError(backendId, response.status, key ? text.replaceAll(key, "[REDACTED]") : text, response.headers, retryMs);
    if (pool && key !== undefined && (response.status === 401 || request.keyRejected?.(response.status, text))) {
      pool.markDead(key);
      lastError = new LipError("authentication", lastError.error.message, { status: 401, recoverable: true, code: `upstream_${response.status}` });
      continue;
    }
    if (pool && key !== undefined && response.status === 429) {
      pool.coolDown(key, retryMs ?? defaultCoolMs);
      continue;
    }
    throw lastError;
  }
  throw lastError ?? new LipError("upstream", `upstream ${backendId} failed`);
}
