import type { FailureClass } from "./failure-class.ts";

export interface CircuitBreakerOptions {
  enabled: boolean;
  /** Consecutive counted failures that open the circuit. */
  failureThreshold: number;
  /** Milliseconds the circuit stays open before one probe is let through. */
  openForMs: number;
  now?: () => number;
}

export type BreakerState = "closed" | "open" | "half_open";

interface BackendHealth {
  state: BreakerState;
  failures: number;
  openedAt: number;
  /** Half-open: a probe is in flight, so everyone else still skips this backend. */
  probing: boolean;
  lastFailureClass?: FailureClass;
}

/**
 * Per-backend circuit breaker. Consecutive degraded or global-rate-limit failures open it;
 * localized rate limits and cancellations do not count. After `open_for`, exactly one request
 * probes (half-open): success closes the circuit, failure opens it for another period.
 */
export class CircuitBreaker {
  private readonly backends = new Map<string, BackendHealth>();
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  private health(backendId: string): BackendHealth {
    let health = this.backends.get(backendId);
    if (!health) {
      health = { state: "closed", failures: 0, openedAt: 0, probing: false };
      this.backends.set(backendId, health);
    }
    return health;
  }

  state(backendId: string): BreakerState {
    if (!this.options.enabled) return "closed";
    const health = this.backends.get(backendId);
    if (!health) return "closed";
    if (health.state === "open" && this.now() - health.openedAt >= this.options.openForMs) return "half_open";
    return health.state;
  }

  /** Would a request be let through now? Does not reserve the half-open probe. */
  available(backendId: string): boolean {
    const state = this.state(backendId);
    if (state === "closed") return true;
    if (state === "open") return false;
    return !this.backends.get(backendId)!.probing;
  }

  /** Reserve passage for one attempt; false when open or when the half-open probe is taken. */
  acquire(backendId: string): boolean {
    const state = this.state(backendId);
    if (state === "closed") return true;
    if (state === "open") return false;
    const health = this.health(backendId);
    if (health.probing) return false;
    health.state = "half_open";
    health.probing = true;
    return true;
  }

  recordSuccess(backendId: string): void {
    if (!this.options.enabled) return;
    const health = this.backends.get(backendId);
    if (!health) return;
    health.state = "closed";
    health.failures = 0;
    health.probing = false;
  }

  /** An attempt ended without counting either way (cancelled, client error): frees a probe slot. */
  recordNeutral(backendId: string): void {
    const health = this.backends.get(backendId);
    if (health?.probing) {
      health.probing = false;
      health.state = "open";
    }
  }

  recordFailure(backendId: string, failureClass: FailureClass | undefined): void {
    if (!this.options.enabled) return;
    if (failureClass !== "provider_degraded" && failureClass !== "global_rate_limit") {
      this.recordNeutral(backendId);
      return;
    }
    const health = this.health(backendId);
    health.lastFailureClass = failureClass;
    health.failures++;
    if (health.probing || health.failures >= this.options.failureThreshold) {
      health.state = "open";
      health.openedAt = this.now();
      health.probing = false;
    }
  }

  snapshot(): Array<{ backend: string; state: BreakerState; consecutive_failures: number; last_failure_class?: FailureClass }> {
    return [...this.backends.entries()].map(([backend, health]) => ({
      backend,
      state: this.state(backend),
      consecutive_failures: health.failures,
      ...(health.lastFailureClass && { last_failure_class: health.lastFailureClass }),
    }));
  }
}
