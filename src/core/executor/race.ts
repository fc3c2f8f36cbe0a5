import { LipError } from "../model/errors.ts";
import type { Candidate } from "../routing/route-plan.ts";
import { type AttemptHandle, type CommittedAttempt, type FailedAttempt, startAttempt, winsRace } from "./attempt.ts";
import type { ExecuteRequest } from "./types.ts";

export interface RaceWinner {
  handle: AttemptHandle;
  result: CommittedAttempt;
  losers: AttemptHandle[];
}

export interface RaceFailure {
  handle: AttemptHandle;
  result: FailedAttempt;
}

export interface RaceOutcome {
  winner?: RaceWinner;
  failures: RaceFailure[];
  /** Legs never started because their circuit was open at their start time. */
  skipped: Candidate[];
}

/**
 * Runs race legs: each starts `maxHandicap − handicap` after the race begins (so the highest
 * handicap starts first and the others hedge it later). The first leg to produce real output
 * wins; every other leg is stopped at once and legs not yet started never start.
 */
export function runRace(
  legs: readonly Candidate[],
  request: ExecuteRequest,
  parent: AbortSignal,
  role: string,
  onStart: (handle: AttemptHandle) => void,
): Promise<RaceOutcome> {
  const maxHandicap = Math.max(...legs.map((leg) => leg.leaf.handicapMs ?? 0));
  return new Promise<RaceOutcome>((resolve) => {
    const started: AttemptHandle[] = [];
    const failures: RaceFailure[] = [];
    const skipped: Candidate[] = [];
    const timers: Array<ReturnType<typeof setTimeout>> = [];
    let unsettled = legs.length;
    let done = false;

    const finish = (winner?: RaceWinner) => {
      if (done) return;
      done = true;
      for (const timer of timers) clearTimeout(timer);
      parent.removeEventListener("abort", onParent);
      resolve({ ...(winner && { winner }), failures, skipped });
    };
    const settleOne = () => {
      unsettled--;
      if (unsettled === 0) finish();
    };
    const onParent = () => {
      // Legs still waiting for their start never run; started legs settle through their own abort.
      for (const timer of timers) clearTimeout(timer);
      unsettled -= legs.length - started.length - skipped.length;
      if (unsettled <= 0) finish();
    };
    parent.addEventListener("abort", onParent, { once: true });

    const launch = (leg: Candidate) => {
      if (done || parent.aborted) return;
      if (!request.breaker.acquire(leg.backend.id)) {
        skipped.push(leg);
        settleOne();
        return;
      }
      const handle = startAttempt({ candidate: leg, request, parent, role, commit: winsRace });
      started.push(handle);
      onStart(handle);
      void handle.settled.then((result) => {
        if (done) {
          if (result.ok) result.release();
          return;
        }
        if (!result.ok) {
          failures.push({ handle, result });
          settleOne();
          return;
        }
        const losers = started.filter((other) => other !== handle);
        const lost = new LipError("cancelled", `lost the race to ${handle.candidate.key} (${handle.record.bLegId})`, { code: "race_lost" });
        for (const loser of losers) loser.stop(lost);
        finish({ handle, result, losers });
      });
    };

    for (const leg of legs) {
      const delay = maxHandicap - (leg.leaf.handicapMs ?? 0);
      if (delay <= 0) launch(leg);
      else timers.push(setTimeout(() => launch(leg), delay));
    }
  });
}
