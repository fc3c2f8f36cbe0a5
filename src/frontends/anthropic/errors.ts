import type { EncodedError } from "../../core/codec.ts";
import type { CanonicalError, ErrorKind } from "../../core/model/errors.ts";

/**
 * Canonical kinds → Anthropic `error.type`. The HTTP status stays the canonical one, so a 503 from
 * upstream reaches the client as 503; its type is `overloaded_error` (like `degraded`), because
 * both mean "try again shortly" and Anthropic clients back off and retry on that type.
 */
const anthropicType: Record<ErrorKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  permission: "permission_error",
  not_found: "not_found_error",
  request_too_large: "request_too_large",
  rate_limited: "rate_limit_error",
  overloaded: "overloaded_error",
  timeout: "timeout_error",
  upstream: "api_error",
  degraded: "overloaded_error",
  cancelled: "api_error",
  internal: "api_error",
};

/** `{"type":"error","error":{"type","message"}}`: the body of error responses and of a stream's `error` event. */
export function anthropicErrorBody(error: CanonicalError): { type: "error"; error: { type: string; message: string } } {
  return { type: "error", error: { type: anthropicType[error.kind], message: error.message } };
}

export function encodeAnthropicError(error: CanonicalError): EncodedError {
  const headers: Record<string, string> = { ...error.headers };
  if (error.retryAfterMs !== undefined) headers["retry-after"] = String(Math.ceil(error.retryAfterMs / 1000));
  return { status: error.status, body: anthropicErrorBody(error), headers };
}
