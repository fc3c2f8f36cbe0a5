import type { AffinityMemory } from "./affinity-memory.ts";
import type { CircuitBreaker } from "./circuit-breaker.ts";
import { type Candidate, isRace, type PlannedArm, type PlannedBranch, type PlannedRace, type RoutePlan } from "./route-plan.ts";
import { pickByWeight, thinkerCycle } from "./weighted-pick.ts";

/** What the walker needs to know about the conversation (A-leg) and the client. */
export interface RouteConversation {
  aLegId: string;
  /** The A-leg has had no committed turn yet: `[first]` applies. */
  firstTurn: boolean;
  /** Per-group cursors of thinker cycles, persisted with the A-leg. */
  routeState: Record<string, number>;
  /** Stable client identity for `affinity=client` (absent when unknown). */
  clientKey?: string;
}

/** One thing to try next: a single candidate or a set of race legs. */
export type Step =
  | { type: "single"; candidate: Candidate; why: string }
  | { type: "race"; legs: Candidate[]; why: string };

export interface WalkerOptions {
  plan: RoutePlan;
  conversation: RouteConversation;
  breaker: CircuitBreaker;
  affinity: AffinityMemory;
  contextTokens: () => number;
  random?: () => number;
}

interface Choice {
  arm: number;
  branch?: number;
  cyclePosition?: number;
}

/**
 * Walks a plan's failover arms. Within a weighted group a failed branch is excluded and the
 * group re-rolled among what is left; only then does the walk move to the next arm. Candidates
 * whose backend circuit is open, or whose context bounds exclude this request, are skipped.
 */
export class RouteWalker {
  private arm = 0;
  private readonly excluded = new Set<string>();
  private firstTried = false;
  private lastChoice: Choice | undefined;
  /** Candidates passed over because their circuit was open (for the degraded signal). */
  readonly skippedOpen = new Set<string>();
  /** Candidates passed over because of `[min_context]`/`[max_context]`. */
  readonly skippedContext = new Set<string>();
  private readonly random: () => number;

  constructor(private readonly options: WalkerOptions) {
    this.random = options.random ?? Math.random;
  }

  exclude(candidates: readonly Candidate[]): void {
    for (const candidate of candidates) this.excluded.add(candidate.key);
  }

  private eligible(candidate: Candidate): boolean {
    if (this.excluded.has(candidate.key)) return false;
    const { minContext, maxContext } = candidate.leaf;
    if (minContext !== undefined || maxContext !== undefined) {
      const tokens = this.options.contextTokens();
      if ((minContext !== undefined && tokens < minContext) || (maxContext !== undefined && tokens > maxContext)) {
        this.skippedContext.add(candidate.key);
        return false;
      }
    }
    if (!this.options.breaker.available(candidate.backend.id)) {
      this.skippedOpen.add(candidate.key);
      return false;
    }
    return true;
  }

  private raceLegs(race: PlannedRace): Candidate[] {
    return race.legs.filter((leg) => this.eligible(leg));
  }

  private stepFor(target: Candidate | PlannedRace, why: string): Step | undefined {
    if (isRace(target)) {
      const legs = this.raceLegs(target);
      return legs.length > 0 ? { type: "race", legs, why } : undefined;
    }
    return this.eligible(target) ? { type: "single", candidate: target, why } : undefined;
  }

  /** The next step to try, or undefined when every arm is exhausted. */
  next(): Step | undefined {
    for (; this.arm < this.options.plan.arms.length; this.arm++, this.firstTried = false) {
      const step = this.fromArm(this.options.plan.arms[this.arm]!);
      if (step) return step;
    }
    return undefined;
  }

  private fromArm(arm: PlannedArm): Step | undefined {
    this.lastChoice = { arm: this.arm };
    switch (arm.type) {
      case "single":
        return this.stepFor(arm.candidate, "failover arm");
      case "race":
        return this.stepFor(arm, "race");
      case "weighted":
        return this.fromWeighted(arm.key, arm.branches);
      default: {
        const exhaustive: never = arm;
        return exhaustive;
      }
    }
  }

  private fromWeighted(groupKey: string, branches: readonly PlannedBranch[]): Step | undefined {
    const steps = branches.map((branch) => this.stepFor(branch.target, ""));
    const eligible = steps.flatMap((step, index) => (step ? [index] : []));
    if (eligible.length === 0) return undefined;
    const choose = (branch: number, why: string, cyclePosition?: number): Step => {
      this.lastChoice = { arm: this.arm, branch, ...(cyclePosition !== undefined && { cyclePosition }) };
      return { ...steps[branch]!, why };
    };
    const { conversation } = this.options;
    const first = branches.findIndex((branch) => branch.first);
    if (conversation.firstTurn && first >= 0 && !this.firstTried) {
      this.firstTried = true;
      if (steps[first]) return choose(first, "[first] on the A-leg's first turn");
    }
    if (branches.some((branch) => branch.thinker)) {
      const cycle = thinkerCycle(branches);
      const start = (conversation.routeState[groupKey] ?? 0) % cycle.length;
      for (let offset = 0; offset < cycle.length; offset++) {
        const position = (start + offset) % cycle.length;
        if (steps[cycle[position]!]) return choose(cycle[position]!, branches[cycle[position]!]!.thinker ? "thinker turn" : "thinker cycle", position);
      }
    }
    const affinityKey = this.affinityKey(groupKey);
    if (affinityKey) {
      const remembered = this.options.affinity.get(affinityKey);
      if (remembered !== undefined && steps[remembered]) return choose(remembered, `${this.options.plan.global.affinity} affinity`);
    }
    return choose(pickByWeight(branches, eligible, this.random)!, "weighted pick");
  }

  private affinityKey(groupKey: string): string | undefined {
    const { affinity } = this.options.plan.global;
    if (!affinity) return undefined;
    const identity = affinity === "session" ? this.options.conversation.aLegId : this.options.conversation.clientKey;
    return identity ? `${affinity}:${identity}|${groupKey}` : undefined;
  }

  /** The last step committed output: remember affinity and advance the thinker cursor. */
  committed(): void {
    const choice = this.lastChoice;
    if (!choice || choice.branch === undefined) return;
    const arm = this.options.plan.arms[choice.arm];
    if (arm?.type !== "weighted") return;
    if (choice.cyclePosition !== undefined) {
      this.options.conversation.routeState[arm.key] = (choice.cyclePosition + 1) % thinkerCycle(arm.branches).length;
    }
    const affinityKey = this.affinityKey(arm.key);
    if (affinityKey) this.options.affinity.set(affinityKey, choice.branch);
  }
}
