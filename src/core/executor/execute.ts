import { abortableSleep } from "../abortable-sleep.ts";
import type { CanonicalError } from "../model/errors.ts";
import { LipError } from "../model/errors.ts";
import { classifyFailure, type FailureClass } from "../routing/failure-class.ts";
import type { Candidate } from "../routing/route-plan.ts";
import { RouteWalker } from "../routing/route-walker.ts";
import { asLipError, type AttemptHandle, type CommittedAttempt, commitsOnContent, type FailedAttempt, startAttempt } from "./attempt.ts";
import { retryDelay } from "./backoff.ts";
import { committedEvents } from "./committed-stream.ts";
import { degradedError, type Failure, finalError } from "./final-error.ts";
import { runRace } from "./race.ts";
import type { AttemptOutcome, AttemptRecord, ExecuteRequest, Execution } from "./types.ts";

interface Pending {
  record: AttemptRecord;
  error: LipError;
  failureClass: FailureClass | undefined;
}

/**
 * Runs a route plan until an attempt commits output. A recoverable failure before the first
 * content event is swallowed and the walk moves on (same candidate again when retries are
 * configured, then the weighted group re-rolled, then the next failover arm); after output,
 * failures surface as an error event. Resolves once an attempt has committed, so pre-output
 * failures still produce a real HTTP status.
 */
export async function execute(request: ExecuteRequest): Promise<Execution> {
  const { breaker, plan } = request;
  if (request.testMode === "force_degraded") throw degradedError(request.degradedSignal, "test mode: forced degraded signal");
  const random = request.random ?? Math.random;
  const walker = new RouteWalker({ plan, conversation: request.conversation, breaker, affinity: request.affinity, contextTokens: request.contextTokens, random });
  const attempts: AttemptRecord[] = [];
  const failures: Failure[] = [];
  const execution = new AbortController();
  const onClient = () => execution.abort(new LipError("cancelled", "request cancelled"));
  request.signal.addEventListener("abort", onClient, { once: true });
  if (request.signal.aborted) onClient();
  const budget = plan.global.ttftTimeoutMs;
  const globalTimer =
    budget === undefined
      ? undefined
      : setTimeout(() => {
          execution.abort(new LipError("timeout", `no first token within the route's ttft_timeout of ${budget / 1000}s`, { code: "ttft_timeout", recoverable: false }));
        }, budget);
  const detach = () => {
    clearTimeout(globalTimer);
    request.signal.removeEventListener("abort", onClient);
  };
  let used = 0;
  let pending: Pending | undefined;
  let injectTransient = request.testMode === "force_transient_recover";

  const finishRecord = (record: AttemptRecord, outcome: AttemptOutcome, reason?: string, failureClass?: FailureClass) => {
    record.outcome = outcome;
    record.finishedAt = Date.now();
    if (reason !== undefined) record.reason = reason;
    if (failureClass !== undefined) record.failureClass = failureClass;
    request.sink?.update(record);
    request.pipeline.notifyAttempt({ backendId: record.backendId, model: record.model, attempt: record.seq, phase: "end", outcome }, request.context);
  };
  const settlePending = (outcome: AttemptOutcome) => {
    if (pending) finishRecord(pending.record, outcome, pending.error.message, pending.failureClass);
    pending = undefined;
  };

  /** Books a pre-output failure; throws when it ends the request. */
  const fail = (handle: AttemptHandle, result: FailedAttempt, counted = true): void => {
    const backendId = handle.candidate.backend.id;
    if (execution.signal.aborted) {
      const reason = asLipError(execution.signal.reason);
      settlePending("swallowed_failure");
      breaker.recordNeutral(backendId);
      finishRecord(handle.record, reason.error.kind === "cancelled" ? "cancelled" : "surfaced_failure", reason.message);
      throw reason;
    }
    const failureClass = classifyFailure(result.error.error);
    // A test-mode failure never touches the backend, so it must not count (but frees a probe slot).
    if (counted) breaker.recordFailure(backendId, failureClass);
    else breaker.recordNeutral(backendId);
    request.log("warn", "attempt failed before output", { backend: backendId, model: handle.candidate.model, error: result.error.message, recoverable: result.error.error.recoverable });
    if (!result.error.error.recoverable) {
      settlePending("swallowed_failure");
      finishRecord(handle.record, "surfaced_failure", result.error.message, failureClass);
      throw result.error;
    }
    settlePending("swallowed_failure");
    pending = { record: handle.record, error: result.error, failureClass };
    failures.push({ error: result.error, failureClass });
  };

  const commit = (handle: AttemptHandle, result: CommittedAttempt): Execution => {
    settlePending("swallowed_failure");
    clearTimeout(globalTimer);
    breaker.recordSuccess(handle.candidate.backend.id);
    walker.committed();
    const finish = (outcome: AttemptOutcome, reason?: string, failure?: CanonicalError) => {
      const failureClass = failure ? classifyFailure(failure) : undefined;
      if (outcome === "surfaced_failure") breaker.recordFailure(handle.candidate.backend.id, failureClass);
      finishRecord(handle.record, outcome, reason, failureClass);
      detach();
      request.onFinished?.();
    };
    return { candidate: handle.candidate, attempts, ...committedEvents(result, request, finish) };
  };

  const trySingle = async (candidate: Candidate, why: string): Promise<Execution | undefined> => {
    for (let retry = 0; used < request.maxAttempts; retry++) {
      if (!breaker.acquire(candidate.backend.id)) {
        walker.skippedOpen.add(candidate.key);
        break;
      }
      used++;
      const injected = injectTransient
        ? new LipError("overloaded", "test mode: forced transient failure", { status: 503, recoverable: true, code: "test_mode_transient" })
        : undefined;
      injectTransient = false;
      const handle = startAttempt({ candidate, request, parent: execution.signal, role: retry > 0 ? `${why} (retry ${retry})` : why, commit: commitsOnContent, ...(injected && { injectedFailure: injected }) });
      attempts.push(handle.record);
      const result = await handle.settled;
      if (result.ok) return commit(handle, result);
      fail(handle, result, injected === undefined);
      if (injected) continue;
      const transient = result.error.error.code !== "ttft_timeout" && classifyFailure(result.error.error) !== undefined;
      if (!transient || retry >= request.retry.maxRetries) break;
      const delay = retryDelay(request.retry, retry, result.error, random);
      if (delay === undefined) break;
      try {
        await abortableSleep(delay, execution.signal);
      } catch (thrown) {
        settlePending(asLipError(thrown).error.kind === "cancelled" ? "cancelled" : "surfaced_failure");
        throw asLipError(thrown);
      }
    }
    walker.exclude([candidate]);
    return undefined;
  };

  const tryRace = async (legs: Candidate[], why: string): Promise<Execution | undefined> => {
    used++;
    const outcome = await runRace(legs, request, execution.signal, why, (handle) => attempts.push(handle.record));
    for (const skipped of outcome.skipped) walker.skippedOpen.add(skipped.key);
    walker.exclude(legs);
    if (outcome.winner) {
      const { winner } = outcome;
      for (const { handle, result } of outcome.failures) {
        const failureClass = classifyFailure(result.error.error);
        breaker.recordFailure(handle.candidate.backend.id, failureClass);
        finishRecord(handle.record, "swallowed_failure", result.error.message, failureClass);
      }
      for (const loser of winner.losers) {
        void loser.settled.then(() => {
          breaker.recordNeutral(loser.candidate.backend.id);
          finishRecord(loser.record, "cancelled", `lost the race to ${winner.handle.record.bLegId}`);
        });
      }
      return commit(winner.handle, winner.result);
    }
    // Recoverable failures first, so a fatal one (if any) is booked last and thrown.
    const ordered = [...outcome.failures].sort((a, b) => Number(!a.result.error.error.recoverable) - Number(!b.result.error.error.recoverable));
    for (const [index, failure] of ordered.entries()) {
      try {
        fail(failure.handle, failure.result);
      } catch (thrown) {
        for (const rest of ordered.slice(index + 1)) finishRecord(rest.handle.record, "cancelled", asLipError(thrown).message);
        throw thrown;
      }
    }
    return undefined;
  };

  try {
    while (used < request.maxAttempts) {
      const step = walker.next();
      if (!step) break;
      const committed = step.type === "single" ? await trySingle(step.candidate, step.why) : await tryRace(step.legs, step.why);
      if (committed) return committed;
    }
    settlePending("surfaced_failure");
    throw finalError(failures, walker, request.degradedSignal, request.contextTokens, breaker.enabled);
  } catch (thrown) {
    if (!(thrown instanceof LipError)) request.log("error", "internal fault in executor", { error: thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown) });
    detach();
    execution.abort(new LipError("cancelled", "execution ended"));
    throw asLipError(thrown);
  }
}
