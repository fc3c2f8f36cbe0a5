import { type CanonicalError, LipError, toCanonicalError } from "../model/errors.ts";
import type { CanonicalEvent } from "../model/events.ts";
import { isTerminalEvent } from "../model/events.ts";
import type { CommittedAttempt } from "./attempt.ts";
import type { AttemptOutcome, ExecuteRequest } from "./types.ts";

/**
 * The events of the committed attempt: the read-ahead buffer, then the live stream. This is
 * the hot path, so it is one tight loop with no timers. Any break after output (upstream cut,
 * malformed stream, a stream that stops without a finish event) becomes a final error event,
 * so a client never sees a truncated stream that looks complete.
 */
export function committedEvents(
  committed: CommittedAttempt,
  request: ExecuteRequest,
  finish: (outcome: AttemptOutcome, reason?: string, failure?: CanonicalError) => void,
): { events: AsyncIterable<CanonicalEvent>; abandon(): void } {
  let started = false;
  const generator = stream(committed, request, finish, () => {
    started = true;
  });
  return {
    events: generator,
    // A generator never iterated does not run its `finally`; release the upstream explicitly.
    abandon() {
      if (started) {
        void generator.return(undefined);
        return;
      }
      started = true;
      void committed.iterator.return?.()?.catch(() => undefined);
      committed.release();
      finish("cancelled", "client went away before output was sent");
    },
  };
}

async function* stream(
  committed: CommittedAttempt,
  request: ExecuteRequest,
  finish: (outcome: AttemptOutcome, reason?: string, failure?: CanonicalError) => void,
  onStart: () => void,
): AsyncGenerator<CanonicalEvent> {
  onStart();
  const { pipeline, context } = request;
  const map = pipeline.mutatesEvents;
  const { iterator } = committed;
  let ended = false;
  let outcome: AttemptOutcome = "success";
  let reason: string | undefined;
  let failure: CanonicalError | undefined;
  try {
    for (const event of committed.buffered) {
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
      let event: CanonicalEvent = next.done
        ? { type: "error", error: new LipError("upstream", "upstream stream ended without a finish event", { code: "truncated_stream" }).error }
        : next.value;
      if (event.type === "error") {
        outcome = request.signal.aborted ? "cancelled" : "surfaced_failure";
        reason = event.error.message;
        failure = event.error;
        event = { type: "error", error: { ...event.error, recoverable: false } };
      }
      ended = isTerminalEvent(event);
      if (map) yield* pipeline.mapEvent(event, context);
      else yield event;
    }
  } finally {
    // Reached on normal end, on an error, and when the client stops reading (generator return).
    if (!ended) {
      outcome = "cancelled";
      reason = "client stopped reading";
      void iterator.return?.()?.catch(() => undefined);
    }
    committed.release();
    finish(outcome, reason, failure);
  }
}
