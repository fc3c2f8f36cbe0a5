import type { Candidate, PlannedArm, PlannedRace, RoutePlan } from "./route-plan.ts";
import { isRace } from "./route-plan.ts";
import { thinkerCycle } from "./weighted-pick.ts";

/** JSON view of one candidate, as `lipstd routes --explain` prints it. */
function candidateJson(candidate: Candidate, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { leaf } = candidate;
  return {
    backend: candidate.backend.id,
    model: candidate.model,
    ...extra,
    ...(leaf.ttftTimeoutMs !== undefined && { ttft_timeout_ms: leaf.ttftTimeoutMs }),
    ...(leaf.minContext !== undefined && { min_context: leaf.minContext }),
    ...(leaf.maxContext !== undefined && { max_context: leaf.maxContext }),
    ...(Object.keys(leaf.params).length > 0 && { params: leaf.params }),
  };
}

function raceJson(race: PlannedRace): Record<string, unknown> {
  const maxHandicap = Math.max(...race.legs.map((leg) => leg.leaf.handicapMs ?? 0));
  return {
    type: "race",
    winner: "first leg with non-whitespace text or reasoning, a tool call, or a finished answer; the others are cancelled",
    legs: race.legs.map((leg) => candidateJson(leg, { start_delay_ms: maxHandicap - (leg.leaf.handicapMs ?? 0) })),
  };
}

function armJson(arm: PlannedArm, index: number): Record<string, unknown> {
  switch (arm.type) {
    case "single":
      return { arm: index + 1, type: "single", candidate: candidateJson(arm.candidate) };
    case "race":
      return { arm: index + 1, ...raceJson(arm) };
    case "weighted": {
      const total = arm.branches.reduce((sum, branch) => sum + (branch.thinker ? 0 : branch.weight), 0);
      const hasThinker = arm.branches.some((branch) => branch.thinker);
      return {
        arm: index + 1,
        type: "weighted",
        branches: arm.branches.map((branch) => ({
          weight: branch.weight,
          ...(!hasThinker && total > 0 && { share: `${((branch.weight / total) * 100).toFixed(1)}%` }),
          ...(branch.first && { first: true }),
          ...(branch.thinker && { thinker: true }),
          target: isRace(branch.target) ? raceJson(branch.target) : candidateJson(branch.target),
        })),
        ...(hasThinker && { thinker_cycle: thinkerCycle(arm.branches).map((position) => position + 1) }),
        on_failure: "the failed branch is excluded and the group re-rolled among the rest, then the next arm",
      };
    }
    default: {
      const exhaustive: never = arm;
      return exhaustive;
    }
  }
}

/** What a selector compiles to, for operators: arms in failover order with their budgets. */
export function explainPlan(plan: RoutePlan, maxAttempts: number): Record<string, unknown> {
  return {
    selector: plan.selector,
    ...(plan.global.ttftTimeoutMs !== undefined && { global_ttft_timeout_ms: plan.global.ttftTimeoutMs }),
    ...(plan.global.affinity && { affinity: plan.global.affinity }),
    max_attempts: maxAttempts,
    arms: plan.arms.map(armJson),
  };
}
