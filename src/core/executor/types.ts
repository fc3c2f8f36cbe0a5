import type { Logger } from "../codec.ts";
import type { CanonicalCall } from "../model/call.ts";
import type { CanonicalEvent } from "../model/events.ts";
import type { Pipeline, RequestContext } from "../pipeline/pipeline.ts";
import type { AffinityMemory } from "../routing/affinity-memory.ts";
import type { CircuitBreaker } from "../routing/circuit-breaker.ts";
import type { FailureClass } from "../routing/failure-class.ts";
import type { Candidate, RoutePlan } from "../routing/route-plan.ts";
import type { RouteConversation } from "../routing/route-walker.ts";

export type AttemptOutcome = "success" | "swallowed_failure" | "surfaced_failure" | "cancelled";

/** One B-leg: a single backend attempt of an A-leg. */
export interface AttemptRecord {
  bLegId: string;
  aLegId: string;
  /** Ordinal of this B-leg within its A-leg (1, 2, 3 … across turns). */
  seq: number;
  backendId: string;
  /** The provider model actually asked for. */
  model: string;
  /** How the attempt was chosen: failover arm, weighted pick, race leg, retry … */
  role: string;
  startedAt: number;
  firstOutputAt?: number;
  finishedAt?: number;
  outcome?: AttemptOutcome;
  reason?: string;
  failureClass?: FailureClass;
}

/** Receives attempt records as they start and finish (the continuity store behind it). */
export interface AttemptSink {
  update(record: AttemptRecord): void;
}

export interface RetryPolicy {
  /** Extra tries on the same candidate for transient pre-output failures (0 = off). */
  maxRetries: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export type TestMode = "force_degraded" | "force_transient_recover";

export interface ExecuteRequest {
  call: CanonicalCall;
  plan: RoutePlan;
  conversation: RouteConversation;
  affinity: AffinityMemory;
  breaker: CircuitBreaker;
  maxAttempts: number;
  retry: RetryPolicy;
  /** Marker put in the message of the degraded signal, so SDK users can match exception text. */
  degradedSignal: string;
  testMode?: TestMode;
  /** Fires when the client goes away: every upstream request is cancelled at once. */
  signal: AbortSignal;
  context: RequestContext;
  pipeline: Pipeline;
  log: Logger;
  sink?: AttemptSink;
  /** The committed attempt's stream ended (finished, failed, or the client left). */
  onFinished?: () => void;
  /** Allocates the next B-leg number of the A-leg. */
  nextSeq: () => number;
  contextTokens: () => number;
  random?: () => number;
}

/** A committed attempt: its events (buffered read-ahead first) and the attempt history. */
export interface Execution {
  /** The events in order, one array per upstream read (never empty). */
  batches: AsyncIterable<CanonicalEvent[]>;
  /** Let go of a committed attempt whose events will never be read (client gone). */
  abandon(): void;
  attempts: AttemptRecord[];
  candidate: Candidate;
}
