import type { BackendInstance, Logger } from "./codec.ts";
import type { CanonicalCall } from "./model/call.ts";
import { LipError, toCanonicalError } from "./model/errors.ts";
import type { CanonicalEvent } from "./model/events.ts";
import { isContentEvent, isTerminalEvent } from "./model/events.ts";
import { randomId } from "./model/ids.ts";
import type { Pipeline, RequestContext } from "./pipeline/pipeline.ts";

/** One place a request may go: a backend instance and the provider model id to ask for. */
export interface Candidate {
  backend: BackendInstance;
  model: string;
}

export interface ExecuteRequest {
  call: CanonicalCall;
  candidates: readonly Candidate[];
  maxAttempts: number;
  /** Fires when the client goes away: every upstream request is cancelled at once. */
  signal: AbortSignal;
  context: RequestContext;
  pipeline: Pipeline;
  aLegId: string;
  log: Logger;
}

export interface AttemptRecord {
  bLegId: string;
  seq: number;
  backendId: string;
  model: string;
  startedAt: number;
  finishedAt?: number;
  outcome?: "success" | "swallowed_failure" | "surfaced_failure" | "cancelled";
  reason?: string;
}

/** A committed attempt: its events (buffered read-ahead first) and the attempt history. */
export interface Execution {
  events: AsyncIterable<CanonicalEvent>;
  attempts: AttemptRecord[];
  candidate: Candidate;
}

/**
 * Runs candidates in order until one commits output. A failure before the first content event
 * is swallowed and the next candidate tried (when recoverable); after it, the failure ends the
 * client's stream with an error event. A backend stream that stops without a terminal event is
 * a failure too, so a client never sees a truncated stream that looks complete.
 */
export async function execute(request: ExecuteRequest): Promise<Execution> {
  const attempts: AttemptRecord[] = [];
  const limit = Math.min(request.maxAttempts, request.candidates.length);
  let lastError: LipError | undefined;
  for (let seq = 0; seq < limit; seq++) {
    const candidate = request.candidates[seq]!;
    if (request.signal.aborted) throw new LipError("cancelled", "request cancelled");
    const record: AttemptRecord = { bLegId: randomId("b_"), seq: seq + 1, backendId: candidate.backend.id, model: candidate.model, startedAt: Date.now() };
    attempts.push(record);
    const attemptInfo = { backendId: candidate.backend.id, model: candidate.model, attempt: seq + 1 };
    const call = request.pipeline.has("candidate_attempt_transform")
      ? request.pipeline.transformAttempt(structuredClone(request.call), { ...attemptInfo, phase: "start" }, request.context)
      : request.call;
    request.pipeline.notifyAttempt({ ...attemptInfo, phase: "start" }, request.context);
    const abort = new AbortController();
    const onClientAbort = () => abort.abort(request.signal.reason);
    request.signal.addEventListener("abort", onClientAbort, { once: true });
    const iterator = candidate.backend
      .stream(call, {
        model: candidate.model,
        signal: abort.signal,
        aLegId: request.aLegId,
        bLegId: record.bLegId,
        clientHeaders: request.context.headers,
        log: request.log,
      })
      [Symbol.asyncIterator]();
    const buffered: CanonicalEvent[] = [];
    try {
      // Read ahead until output commits: only then is this attempt the answer.
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          throw new LipError("upstream", "upstream stream ended without a finish event", { code: "truncated_stream" });
        }
        const event = next.value;
        if (event.type === "error") throw new LipError(event.error.kind, event.error.message, event.error);
        buffered.push(event);
        if (isContentEvent(event) || isTerminalEvent(event)) break;
      }
    } catch (thrown) {
      abort.abort();
      request.signal.removeEventListener("abort", onClientAbort);
      void iterator.return?.();
      const error = thrown instanceof LipError ? thrown : new LipError(toCanonicalError(thrown).kind, toCanonicalError(thrown).message, toCanonicalError(thrown));
      record.finishedAt = Date.now();
      record.reason = error.error.message;
      const more = seq + 1 < limit;
      if (request.signal.aborted) {
        record.outcome = "cancelled";
        throw new LipError("cancelled", "request cancelled");
      }
      record.outcome = error.error.recoverable && more ? "swallowed_failure" : "surfaced_failure";
      request.pipeline.notifyAttempt({ ...attemptInfo, phase: "end", outcome: record.outcome }, request.context);
      request.log("warn", "attempt failed before output", { backend: candidate.backend.id, model: candidate.model, error: error.error.message, recoverable: error.error.recoverable });
      lastError = error;
      if (!error.error.recoverable) throw error;
      continue;
    }
    return {
      candidate,
      attempts,
      events: committedEvents(buffered, iterator, request, record, attemptInfo, () => {
        abort.abort();
        request.signal.removeEventListener("abort", onClientAbort);
      }),
    };
  }
  throw lastError ?? new LipError("not_found", "no backend available for this request", { code: "no_route" });
}

async function* committedEvents(
  buffered: CanonicalEvent[],
  iterator: AsyncIterator<CanonicalEvent>,
  request: ExecuteRequest,
  record: AttemptRecord,
  attemptInfo: { backendId: string; model: string; attempt: number },
  release: () => void,
): AsyncGenerator<CanonicalEvent> {
  const { pipeline, context } = request;
  const map = pipeline.mutatesEvents;
  let ended = false;
  let outcome: AttemptRecord["outcome"] = "success";
  try {
    for (const event of buffered) {
      ended = isTerminalEvent(event);
      if (map) yield* pipeline.mapEvent(event, context);
      else yield event;
    }
    while (!ended) {
      let next: IteratorResult<CanonicalEvent>;
      try {
        next = await iterator.next();
      } catch (thrown) {
        next = { done: false, value: { type: "error", error: toCanonicalError(thrown) } };
      }
      let event: CanonicalEvent;
      if (next.done) {
        event = { type: "error", error: new LipError("upstream", "upstream stream ended without a finish event", { code: "truncated_stream" }).error };
      } else {
        event = next.value;
      }
      if (event.type === "error") {
        outcome = request.signal.aborted ? "cancelled" : "surfaced_failure";
        record.reason = event.error.message;
        event = { type: "error", error: { ...event.error, recoverable: false } };
      }
      ended = isTerminalEvent(event);
      if (map) yield* pipeline.mapEvent(event, context);
      else yield event;
    }
  } finally {
    // Reached on normal end, on an error, and when the client stops reading (generator return).
    if (!ended) outcome = "cancelled";
    record.outcome = outcome;
    record.finishedAt = Date.now();
    if (!ended) void iterator.return?.();
    release();
    pipeline.notifyAttempt({ ...attemptInfo, phase: "end", outcome }, context);
  }
}
