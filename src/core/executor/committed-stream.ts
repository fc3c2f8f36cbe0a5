import { type CanonicalError, LipError, toCanonicalError } from "../model/errors.ts";
import type { CanonicalEvent } from "../model/events.ts";
import { isTerminalEvent } from "../model/events.ts";
import type { CommittedAttempt } from "./attempt.ts";
import type { AttemptOutcome, ExecuteRequest } from "./types.ts";

/**
 * The events of the committed attempt, one array per upstream read: the read-ahead buffer,
 * then the live stream. This is the hot path, so it is one tight loop with no timers and one
 * async hop per read. Any break after output (upstream cut, malformed stream, a stream that
 * stops without a finish event) becomes a final error event, so a client never sees a
 * truncated stream that looks complete.
 */
export function committedEvents(
  committed: CommittedAttempt,
  request: ExecuteRequest,
  finish: (outcome: AttemptOutcome, reason?: string, failure?: CanonicalError) => void,
): { batches: AsyncIterable<CanonicalEvent[]>; abandon(): void } {
  let started = false;
  const generator = stream(committed, request, finish, () => {
    started = true;
  });
  return {
    batches: generator,
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

const truncatedStream = (): CanonicalEvent[] => [
  { type: "error", error: new LipError("upstream", "upstream stream ended without a finish event", { code: "truncated_stream" }).error },
];

async function* stream(
  committed: CommittedAttempt,
  request: ExecuteRequest,
  finish: (outcome: AttemptOutcome, reason?: string, failure?: CanonicalError) => void,
  onStart: () => void,
): AsyncGenerator<CanonicalEvent[]> {
  onStart();
  const { pipeline, context } = request;
  const map = pipeline.mutatesEvents;
  const { iterator } = committed;
  let ended = false;
  let outcome: AttemptOutcome = "success";
  let reason: string | undefined;
  let failure: CanonicalError | undefined;
  try {
    let batch: readonly CanonicalEvent[] = committed.buffered;
    for (;;) {
      const out: CanonicalEvent[] = [];
      try {
        for (let event of batch) {
          if (event.type === "error") {
            outcome = request.signal.aborted ? "cancelled" : "surfaced_failure";
            reason = event.error.message;
            failure = event.error;
            event = { type: "error", error: { ...event.error, recoverable: false } };
          }
          ended = isTerminalEvent(event);
          if (map) for (const mapped of pipeline.mapEvent(event, context)) out.push(mapped);
          else out.push(event);
          // Exactly one terminal event: whatever a backend sent after it is not the client's.
          if (ended) break;
        }
      } catch (thrown) {
        // A fail-closed event stage: what it passed before failing still goes out first.
        if (out.length > 0) yield out;
        throw thrown;
      }
      if (out.length > 0) yield out;
      if (ended) break;
      try {
        const next = await iterator.next();
        batch = next.done ? truncatedStream() : next.value;
      } catch (thrown) {
        batch = [{ type: "error", error: toCanonicalError(thrown) }];
      }
    }
  } finally {
    // Reached on normal end, on an error, and when the client stops reading (generator return).
    if (!ended) {
      outcome = "cancelled";
      reason = "client stopped reading";
    }
    // A backend paused after its terminal event cleans up (releases its reader) on return; one
    // that ended by itself needs no abort, only a stream the client left does.
    void iterator.return?.()?.catch(() => undefined);
    committed.release(ended);
    finish(outcome, reason, failure);
  }
}
