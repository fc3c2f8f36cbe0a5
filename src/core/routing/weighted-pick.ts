import type { PlannedBranch } from "./route-plan.ts";

/** Cap on how often one branch repeats in a thinker cycle, so `[weight=1000000]` stays small. */
const maxCycleRepeats = 64;

/** Pick an index among `eligible` branch indices with probability proportional to weight. */
export function pickByWeight(branches: readonly PlannedBranch[], eligible: readonly number[], random: () => number): number | undefined {
  let total = 0;
  for (const index of eligible) total += branches[index]!.weight;
  if (total <= 0) return eligible[0];
  let roll = random() * total;
  for (const index of eligible) {
    roll -= branches[index]!.weight;
    if (roll < 0) return index;
  }
  return eligible[eligible.length - 1];
}

/**
 * The deterministic turn order of a group with a `[thinker]`: every other branch repeated by
 * its weight, then the thinker once. The A-leg's cursor walks it turn by turn.
 */
export function thinkerCycle(branches: readonly PlannedBranch[]): number[] {
  const cycle: number[] = [];
  let thinker = -1;
  branches.forEach((branch, index) => {
    if (branch.thinker) {
      thinker = index;
      return;
    }
    for (let repeat = 0; repeat < Math.min(branch.weight, maxCycleRepeats); repeat++) cycle.push(index);
  });
  if (thinker >= 0) cycle.push(thinker);
  return cycle;
}
