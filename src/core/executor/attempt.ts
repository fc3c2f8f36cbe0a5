import type { AttemptContext } from "../codec.ts";
import type { CanonicalCall } from "../model/call.ts";
import { LipError, toCanonicalError } from "../model/errors.ts";
import type { CanonicalEvent } from "../model/events.ts";
import { isContentEvent } from "../model/events.ts";
import { randomId } from "../model/ids.ts";
import { applyRouteParams } from "../routing/route-params.ts";
import type { Candidate } from "../routing/route-plan.ts";
import type { AttemptRecord, ExecuteRequest } from "./types.ts";

/** An attempt that committed: what it read ahead, the live iterator, and how to let go of it. */
export interface CommittedAttempt {
  ok: true;
  /** Everything read so far: the events up to the commit and the rest of that upstream read. */
  buffered: CanonicalEvent[];
  /** The live stream, one array of events per upstream read. */
  iterator: AsyncIterator<CanonicalEvent[]>;
  /**
   * Detaches listeners and, unless the stream already ended by itself (`finished`), stops the
   * upstream request.
   */
  release(finished?: boolean): void;
}

export interface FailedAttempt {
  ok: false;
  error: LipError;
  /** Ended by us (lost race, client gone, global budget) rather than by the backend. */
  stopped: boolean;
}

export interface AttemptHandle {
  candidate: Candidate;
  record: AttemptRecord;
  /** Never rejects. */
  settled: Promise<CommittedAttempt | FailedAttempt>;
  /** Cancel the attempt now (its upstream request is aborted, not drained). */
  stop(reason: LipError): void;
}

export type CommitRule = (event: CanonicalEvent) => boolean;

/** Failover commits on the first content event; so does a finished (empty) answer. */
export const commitsOnContent: CommitRule = (event) => isContentEvent(event) || event.type === "response_finished";

/** A race is won by the first non-whitespace text or reasoning, a tool call, or a finished answer. */
export const winsRace: CommitRule = (event) => {
  switch (event.type) {
    case "text_delta":
    case "reasoning_delta":
      return event.text.trim().length > 0;
    case "tool_call_started":
    case "response_finished":
      return true;
    default:
      return false;
  }
};

export function asLipError(thrown: unknown): LipError {
  if (thrown instanceof LipError) return thrown;
  const error = toCanonicalError(thrown);
  return new LipError(error.kind, error.message, error);
}

const finishedIterator: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** The backend's events in batches: its own when it groups them, else one batch per event. */
function batchesOf(backend: Candidate["backend"], call: CanonicalCall, context: AttemptContext): AsyncIterator<CanonicalEvent[]> {
  if (backend.streamBatches) return backend.streamBatches(call, context)[Symbol.asyncIterator]();
  const inner = backend.stream(call, context)[Symbol.asyncIterator]();
  return {
    next: () => inner.next().then((result): IteratorResult<CanonicalEvent[]> => (result.done ? finishedIterator : { done: false, value: [result.value] })),
    return: () => (inner.return ? inner.return().then(() => finishedIterator) : Promise.resolve(finishedIterator)),
  };
}

const truncated = () => new LipError("upstream", "upstream stream ended without a finish event", { code: "truncated_stream" });

export interface AttemptOptions {
  candidate: Candidate;
  request: ExecuteRequest;
  /** Aborted for the whole execution (client gone, global TTFT budget spent). */
  parent: AbortSignal;
  role: string;
  commit: CommitRule;
  /** Forced failure for the client test mode: the backend is not called. */
  injectedFailure?: LipError;
}

/**
 * Starts one backend attempt and reads ahead until it commits or fails. A leaf TTFT budget
 * runs from the start of the attempt to its commit; expiry is a recoverable timeout.
 */
export function startAttempt(options: AttemptOptions): AttemptHandle {
  const { candidate, request, parent } = options;
  const record: AttemptRecord = {
    bLegId: randomId("b_"),
    aLegId: request.conversation.aLegId,
    seq: request.nextSeq(),
    backendId: candidate.backend.id,
    model: candidate.model,
    role: options.role,
    startedAt: Date.now(),
  };
  request.sink?.update(record);
  const abort = new AbortController();
  let stopReason: LipError | undefined;
  // Rejected by stop(): the read-ahead stops waiting on a backend that may never answer.
  let rejectStopped: (reason: LipError) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => {
    rejectStopped = reject;
  });
  stopped.catch(() => undefined);
  const stop = (reason: LipError) => {
    if (abort.signal.aborted) return;
    stopReason = reason;
    abort.abort(reason);
    rejectStopped(reason);
  };
  const onParent = () => stop(asLipError(parent.reason));
  parent.addEventListener("abort", onParent, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const budget = candidate.leaf.ttftTimeoutMs;
  if (budget !== undefined) {
    timer = setTimeout(() => {
      stop(new LipError("timeout", `no first token from ${candidate.key} within ${budget / 1000}s`, { code: "ttft_timeout", recoverable: true }));
    }, budget);
  }
  let iterator: AsyncIterator<CanonicalEvent[]> | undefined;
  const detach = () => {
    clearTimeout(timer);
    parent.removeEventListener("abort", onParent);
  };
  const release = (finished = false) => {
    detach();
    if (!finished && !abort.signal.aborted) abort.abort(new LipError("cancelled", "attempt released"));
  };

  async function readAhead(): Promise<CommittedAttempt | FailedAttempt> {
    const buffered: CanonicalEvent[] = [];
    try {
      if (parent.aborted) throw asLipError(parent.reason);
      if (options.injectedFailure) throw options.injectedFailure;
      const info = { backendId: candidate.backend.id, model: candidate.model, attempt: record.seq, phase: "start" as const };
      let call = applyRouteParams(request.call, candidate.leaf.params);
      if (request.pipeline.has("candidate_attempt_transform")) {
        call = request.pipeline.transformAttempt(call === request.call ? structuredClone(call) : call, info, request.context);
      }
      request.pipeline.notifyAttempt(info, request.context);
      iterator = batchesOf(candidate.backend, call, {
        model: candidate.model,
        signal: abort.signal,
        aLegId: record.aLegId,
        bLegId: record.bLegId,
        clientHeaders: request.context.headers,
        log: request.log,
      });
      for (;;) {
        const next = await Promise.race([iterator.next(), stopped]);
        if (next.done) throw truncated();
        let committed = false;
        for (const event of next.value) {
          // Events after the commit in the same read are the committed stream's to judge.
          if (committed) {
            buffered.push(event);
            continue;
          }
          if (event.type === "error") throw new LipError(event.error.kind, event.error.message, event.error);
          buffered.push(event);
          committed = options.commit(event);
        }
        if (committed) {
          record.firstOutputAt = Date.now();
          clearTimeout(timer);
          return { ok: true, buffered, iterator, release };
        }
      }
    } catch (thrown) {
      if (stopReason === undefined && !(thrown instanceof LipError) && !(thrown instanceof DOMException)) {
        request.log("error", "internal fault in backend", { backend: candidate.backend.id, error: thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown) });
      }
      const error = stopReason ?? asLipError(thrown);
      release();
      void iterator?.return?.()?.catch(() => undefined);
      return { ok: false, error, stopped: stopReason !== undefined };
    }
  }

  return { candidate, record, settled: readAhead(), stop };
}
