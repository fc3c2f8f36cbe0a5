import { LipError } from "../model/errors.ts";
import type { FailureClass } from "../routing/failure-class.ts";
import type { RouteWalker } from "../routing/route-walker.ts";

export const errorClassHeader = "x-llm-proxy-error-class";

/**
 * The degraded signal: HTTP 503, `X-Llm-Proxy-Error-Class: provider_degraded`, and a marker in
 * the message, because SDKs and frameworks often keep only the exception text.
 */
export function degradedError(signal: string, detail: string): LipError {
  return new LipError("degraded", `${signal} ${detail}`.trim(), {
    status: 503,
    code: "provider_degraded",
    recoverable: false,
    headers: { [errorClassHeader]: "provider_degraded" },
  });
}

export interface Failure {
  error: LipError;
  failureClass: FailureClass | undefined;
}

/**
 * What the client hears when failover ran out before any output. With backend health on
 * (the circuit breaker), every candidate open or failed as degraded gives the degraded signal;
 * otherwise the last failure surfaces as it was.
 */
export function finalError(failures: readonly Failure[], walker: RouteWalker, degradedSignal: string, contextTokens: () => number, healthEnabled: boolean): LipError {
  const last = failures[failures.length - 1];
  if (!last) {
    if (walker.skippedOpen.size > 0) {
      return degradedError(degradedSignal, `every route candidate is unavailable (circuit open: ${[...walker.skippedOpen].join(", ")})`);
    }
    if (walker.skippedContext.size > 0) {
      return new LipError("invalid_request", `no route candidate accepts a context of about ${contextTokens()} tokens (min_context/max_context)`, {
        code: "context_out_of_range",
      });
    }
    return new LipError("not_found", "no backend available for this request", { code: "no_route" });
  }
  if (healthEnabled && failures.every((failure) => failure.failureClass === "provider_degraded")) {
    return degradedError(degradedSignal, `every route candidate failed or is unavailable; last error: ${last.error.message}`);
  }
  const error = last.error.error;
  const headers = last.failureClass ? { ...error.headers, [errorClassHeader]: last.failureClass } : error.headers;
  return new LipError(error.kind, error.message, { ...error, recoverable: false, ...(headers && { headers }) });
}
