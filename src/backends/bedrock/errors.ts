import { LipError } from "../../core/model/errors.ts";
import { redactSecrets } from "../shared/upstream-error.ts";

/** Bedrock exception names → status and whether another candidate may succeed. */
const exceptions: Record<string, { status: number; recoverable: boolean }> = {
  ValidationException: { status: 400, recoverable: false },
  AccessDeniedException: { status: 403, recoverable: false },
  UnrecognizedClientException: { status: 401, recoverable: true },
  ResourceNotFoundException: { status: 404, recoverable: false },
  ThrottlingException: { status: 429, recoverable: true },
  ServiceQuotaExceededException: { status: 429, recoverable: true },
  ModelNotReadyException: { status: 429, recoverable: true },
  ModelTimeoutException: { status: 408, recoverable: true },
  ModelErrorException: { status: 424, recoverable: false },
  ModelStreamErrorException: { status: 424, recoverable: false },
  InternalServerException: { status: 500, recoverable: true },
  ServiceUnavailableException: { status: 503, recoverable: true },
};

function exceptionName(thrown: { name?: string }): string {
  const name = thrown.name ?? "";
  // In-stream exceptions arrive as camelCase members (throttlingException) without a name.
  return name ? name.charAt(0).toUpperCase() + name.slice(1) : "InternalServerException";
}

export function bedrockError(backendId: string, thrown: unknown): LipError {
  if (thrown instanceof LipError) return thrown;
  const error = (thrown ?? {}) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = exceptionName(error);
  const known = exceptions[name];
  const status = known?.status ?? error.$metadata?.httpStatusCode ?? 502;
  const message = redactSecrets(`upstream ${backendId} ${name}: ${error.message ?? "request failed"}`);
  if (!known && !error.$metadata) {
    // No service answer at all: a transport failure (refused, reset, TLS) is worth a failover.
    return new LipError("upstream", message, { status: 502, recoverable: true, code: "upstream_transport" });
  }
  const kind = status === 503 ? "overloaded" : status === 429 ? "rate_limited" : status === 408 ? "timeout" : status === 400 ? "invalid_request" : status === 403 ? "permission" : status === 404 ? "not_found" : status === 401 ? "authentication" : "upstream";
  return new LipError(kind, message, {
    // As for every other provider (upstreamHttpError): an unavailable upstream stays a 503, other 5xx become 502.
    status: status >= 500 ? (status === 503 ? 503 : 502) : status,
    recoverable: known?.recoverable ?? status >= 500,
    code: name,
  });
}
