import { kindForStatus, LipError } from "../../core/model/errors.ts";
import { redactSecrets } from "../shared/upstream-error.ts";
import type { GeminiErrorBody } from "./wire.ts";

/**
 * Gemini errors are google.rpc.Status JSON: `{"error":{code,message,status,details:[…]}}`.
 * The details say how long to wait (RetryInfo) and whether the key itself is bad (ErrorInfo).
 */

function errorOf(bodyText: string): GeminiErrorBody | undefined {
  try {
    const body = JSON.parse(bodyText) as { error?: GeminiErrorBody } | Array<{ error?: GeminiErrorBody }>;
    // The JSON-array transport wraps an error in an array too.
    const error = Array.isArray(body) ? body[0]?.error : body.error;
    return error !== null && typeof error === "object" ? error : undefined;
  } catch {
    return undefined;
  }
}

function detailsOf(error: GeminiErrorBody | undefined, type: string): Array<Record<string, unknown>> {
  return (error?.details ?? []).filter((detail) => typeof detail["@type"] === "string" && (detail["@type"] as string).endsWith(type));
}

/** A protobuf Duration in JSON ("26s", "1.5s") or as {seconds, nanos}, in milliseconds. */
function durationMs(value: unknown): number | undefined {
  if (typeof value === "string") {
    const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
    return match ? Math.round(Number(match[1]) * 1000) : undefined;
  }
  if (value !== null && typeof value === "object") {
    const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
    const whole = Number(seconds ?? 0);
    const fraction = Number(nanos ?? 0);
    if (Number.isFinite(whole) && Number.isFinite(fraction)) return Math.round(whole * 1000 + fraction / 1e6);
  }
  return undefined;
}

/** `google.rpc.RetryInfo.retryDelay` of a 429 (or 503) body, for the key pool's cool-down. */
export function retryDelayFromBody(bodyText: string): number | undefined {
  const [retryInfo] = detailsOf(errorOf(bodyText), "google.rpc.RetryInfo");
  return retryInfo ? durationMs(retryInfo.retryDelay) : undefined;
}

const invalidKeyReasons = new Set(["API_KEY_INVALID", "API_KEY_EXPIRED"]);

/** Gemini answers a bad API key with 400 INVALID_ARGUMENT + ErrorInfo API_KEY_INVALID, not 401. */
export function keyRejected(status: number, bodyText: string): boolean {
  if (status !== 400 && status !== 403) return false;
  return detailsOf(errorOf(bodyText), "google.rpc.ErrorInfo").some((info) => invalidKeyReasons.has(String(info.reason)));
}

/** A `{"error":{…}}` that arrived inside a 200 stream. */
export function streamError(backendId: string, error: GeminiErrorBody): LipError {
  const code = typeof error.code === "number" ? error.code : 500;
  const status = error.status ? ` ${error.status}` : "";
  const message = redactSecrets(`upstream ${backendId} stream error ${code}${status}: ${error.message ?? "unknown error"}`).slice(0, 1000);
  return new LipError(kindForStatus(code), message, {
    status: 502,
    recoverable: code === 408 || code === 429 || code >= 500,
    code: "upstream_stream_error",
  });
}
