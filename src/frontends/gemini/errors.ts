import type { EncodedError } from "../../core/codec.ts";
import type { CanonicalError, ErrorKind } from "../../core/model/errors.ts";

/** google.rpc.Code names, by canonical kind: what Gemini SDKs and Gemini CLI classify errors by. */
const statusNames: Record<ErrorKind, string> = {
  invalid_request: "INVALID_ARGUMENT",
  authentication: "UNAUTHENTICATED",
  permission: "PERMISSION_DENIED",
  not_found: "NOT_FOUND",
  // Gemini itself answers an oversized payload with 400 INVALID_ARGUMENT; we keep the 413 code.
  request_too_large: "INVALID_ARGUMENT",
  rate_limited: "RESOURCE_EXHAUSTED",
  overloaded: "UNAVAILABLE",
  timeout: "DEADLINE_EXCEEDED",
  upstream: "UNAVAILABLE",
  degraded: "UNAVAILABLE",
  cancelled: "CANCELLED",
  internal: "INTERNAL",
};

/**
 * The HTTP code a Gemini client sees. Gemini's "model is overloaded" is 503 UNAVAILABLE, so
 * Anthropic's 529 becomes 503; a code outside 4xx/5xx would not be read as an error by the SDK.
 */
export function geminiCode(error: CanonicalError): number {
  if (error.status === 529) return 503;
  return error.status >= 400 && error.status <= 599 ? error.status : 500;
}

export function geminiStatus(error: CanonicalError): string {
  // An upstream 500 is Gemini's INTERNAL; other upstream failures (502…) are UNAVAILABLE.
  if (error.kind === "upstream" && error.status === 500) return "INTERNAL";
  return statusNames[error.kind];
}

/** `{"error":{"code","message","status","details"?}}` with RetryInfo when the retry delay is known. */
export function geminiErrorBody(error: CanonicalError): { error: Record<string, unknown> } {
  const body: Record<string, unknown> = { code: geminiCode(error), message: error.message, status: geminiStatus(error) };
  if (error.retryAfterMs !== undefined) {
    body.details = [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${Math.ceil(error.retryAfterMs / 1000)}s` }];
  }
  return { error: body };
}

export function encodeGeminiError(error: CanonicalError): EncodedError {
  const headers: Record<string, string> = { ...error.headers };
  if (error.retryAfterMs !== undefined) headers["retry-after"] = String(Math.ceil(error.retryAfterMs / 1000));
  return { status: geminiCode(error), body: geminiErrorBody(error), headers };
}
