import type { EncodedError } from "../../core/codec.ts";
import type { CanonicalError, ErrorKind } from "../../core/model/errors.ts";

const openaiType: Record<ErrorKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  permission: "permission_error",
  not_found: "invalid_request_error",
  request_too_large: "invalid_request_error",
  rate_limited: "rate_limit_error",
  overloaded: "server_error",
  timeout: "timeout_error",
  upstream: "server_error",
  degraded: "server_error",
  cancelled: "cancelled",
  internal: "server_error",
};

/** `{"error":{"message","type","param","code"}}`, the shape both OpenAI dialects and SDKs expect. */
export function openaiErrorObject(error: CanonicalError): { message: string; type: string; param: string | null; code: string | null } {
  return { message: error.message, type: openaiType[error.kind], param: error.param ?? null, code: error.code ?? null };
}

export function encodeOpenAIError(error: CanonicalError): EncodedError {
  const headers: Record<string, string> = { ...error.headers };
  if (error.retryAfterMs !== undefined) headers["retry-after"] = String(Math.ceil(error.retryAfterMs / 1000));
  return { status: error.status, body: { error: openaiErrorObject(error) }, headers };
}
