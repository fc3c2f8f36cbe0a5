import type { LipError } from "../model/errors.ts";
import type { RetryPolicy } from "./types.ts";

/**
 * Delay before retry `retry` (0-based) on the same candidate: full-jitter exponential backoff,
 * or the upstream's `Retry-After` when it sent one. Undefined when waiting would exceed the
 * policy's ceiling, so the executor fails over instead of sleeping.
 */
export function retryDelay(policy: RetryPolicy, retry: number, error: LipError, random: () => number): number | undefined {
  const hinted = error.error.retryAfterMs;
  if (hinted !== undefined) return hinted <= policy.maxBackoffMs ? hinted : undefined;
  const ceiling = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}
