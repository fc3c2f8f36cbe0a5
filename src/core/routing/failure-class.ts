import type { CanonicalError } from "../model/errors.ts";

/**
 * Why an attempt failed, as far as backend health is concerned. A localized rate limit (one
 * model or key bucket) says nothing about the provider; a global one (account quota) makes it
 * unusable for now; degraded is an outage-like failure (5xx, 529, timeouts, broken streams).
 */
export type FailureClass = "localized_rate_limit" | "global_rate_limit" | "provider_degraded";

const quotaWords = /\b(quota|insufficient_quota|billing|credit|exceeded your current|resource_exhausted|tokens per day|requests per day)\b/i;

export function classifyFailure(error: CanonicalError): FailureClass | undefined {
  switch (error.kind) {
    case "rate_limited":
      return quotaWords.test(`${error.code ?? ""} ${error.message}`) ? "global_rate_limit" : "localized_rate_limit";
    case "overloaded":
    case "upstream":
    case "timeout":
    case "degraded":
      return "provider_degraded";
    case "invalid_request":
    case "authentication":
    case "permission":
    case "not_found":
    case "request_too_large":
    case "cancelled":
    case "internal":
      return undefined;
    default: {
      const exhaustive: never = error.kind;
      return exhaustive;
    }
  }
}
