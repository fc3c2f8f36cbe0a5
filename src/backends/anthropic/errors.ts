import { kindForStatus, LipError } from "../../core/model/errors.ts";
import { redactSecrets } from "../shared/upstream-error.ts";

/** HTTP status of each Anthropic error `type` (the same table the API uses for its responses). */
const statusForType: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

interface ErrorPayload {
  error?: { type?: unknown; message?: unknown };
}

/**
 * An `event: error` inside a 200 stream (`{"type":"error","error":{type,message}}`). Overload and
 * server errors are recoverable; the executor fails over only while nothing has been output and
 * surfaces the error to the client after that.
 */
export function streamError(backendId: string, payload: ErrorPayload): LipError {
  const type = typeof payload.error?.type === "string" ? payload.error.type : "api_error";
  const message = typeof payload.error?.message === "string" ? payload.error.message : "unknown error";
  const status = statusForType[type] ?? 500;
  return new LipError(kindForStatus(status), redactSecrets(`upstream ${backendId} stream error (${type}): ${message}`).slice(0, 1000), {
    status: status >= 500 ? (status === 529 ? 503 : 502) : status,
    recoverable: status === 429 || status >= 500,
    code: `upstream_${type}`,
  });
}

export function malformedStream(backendId: string, detail: string): LipError {
  return new LipError("upstream", `upstream ${backendId} sent a malformed stream: ${detail}`, { code: "malformed_stream" });
}
