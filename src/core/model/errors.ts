/**
 * The canonical error taxonomy. Frontends map a kind to their dialect's shape and status;
 * the executor reads `recoverable` to decide on failover before output is committed.
 */
export type ErrorKind =
  | "invalid_request"
  | "authentication"
  | "permission"
  | "not_found"
  | "request_too_large"
  | "rate_limited"
  | "overloaded"
  | "timeout"
  | "upstream"
  | "degraded"
  | "cancelled"
  | "internal";

export interface CanonicalError {
  kind: ErrorKind;
  /** HTTP status the client should see when the error happens before the response started. */
  status: number;
  /** Client-safe message: never carries secrets or raw upstream bodies with keys. */
  message: string;
  /** True when another candidate (or a retry) may succeed: failover applies before output. */
  recoverable: boolean;
  /** Dialect-neutral machine code, e.g. "model_not_found", "invalid_json". */
  code?: string;
  /** The offending request field, when known. */
  param?: string;
  retryAfterMs?: number;
  /** Extra response headers (e.g. X-Llm-Proxy-Error-Class). */
  headers?: Record<string, string>;
}

const defaultStatus: Record<ErrorKind, number> = {
  invalid_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  request_too_large: 413,
  rate_limited: 429,
  overloaded: 529,
  timeout: 504,
  upstream: 502,
  degraded: 503,
  cancelled: 499,
  internal: 500,
};

const recoverableKinds: ReadonlySet<ErrorKind> = new Set(["rate_limited", "overloaded", "timeout", "upstream", "degraded"]);

/** An Error carrying a CanonicalError, thrown across the core, codecs and server. */
export class LipError extends Error {
  readonly error: CanonicalError;
  constructor(kind: ErrorKind, message: string, extra: Partial<Omit<CanonicalError, "kind" | "message">> = {}) {
    super(message);
    this.name = "LipError";
    this.error = {
      kind,
      message,
      status: extra.status ?? defaultStatus[kind],
      recoverable: extra.recoverable ?? recoverableKinds.has(kind),
      ...(extra.code !== undefined && { code: extra.code }),
      ...(extra.param !== undefined && { param: extra.param }),
      ...(extra.retryAfterMs !== undefined && { retryAfterMs: extra.retryAfterMs }),
      ...(extra.headers !== undefined && { headers: extra.headers }),
    };
  }
}

export function invalidRequest(message: string, param?: string, code = "invalid_request"): LipError {
  return new LipError("invalid_request", message, { code, ...(param !== undefined && { param }) });
}

/** Any thrown value as a CanonicalError; unknown faults become the stable "internal error". */
export function toCanonicalError(thrown: unknown): CanonicalError {
  if (thrown instanceof LipError) return thrown.error;
  if (thrown instanceof DOMException && (thrown.name === "AbortError" || thrown.name === "TimeoutError")) {
    return new LipError("cancelled", "request cancelled").error;
  }
  return new LipError("internal", "internal error", { recoverable: false }).error;
}

/** Map an upstream HTTP status to a kind (provider codecs refine with their own bodies). */
export function kindForStatus(status: number): ErrorKind {
  if (status === 400 || status === 422) return "invalid_request";
  if (status === 401) return "authentication";
  if (status === 403) return "permission";
  if (status === 404) return "not_found";
  if (status === 408 || status === 504) return "timeout";
  if (status === 413) return "request_too_large";
  if (status === 429) return "rate_limited";
  if (status === 529 || status === 503) return "overloaded";
  return status >= 500 ? "upstream" : "invalid_request";
}
