import type { BackendInstance } from "../codec.ts";
import { LipError } from "../model/errors.ts";
import type { GlobalOptions, Leaf, Race, Selector, Weighted } from "./selector-ast.ts";

/** One resolved place a request may go. `key` (`backend:model`) identifies it for exclusions. */
export interface Candidate {
  backend: BackendInstance;
  model: string;
  leaf: Leaf;
  key: string;
}

export interface PlannedRace {
  type: "race";
  legs: Candidate[];
}

export interface PlannedBranch {
  weight: number;
  first: boolean;
  thinker: boolean;
  target: Candidate | PlannedRace;
}

export type PlannedArm =
  | { type: "single"; candidate: Candidate }
  | { type: "weighted"; key: string; branches: PlannedBranch[] }
  | PlannedRace;

/** Where the selector came from, in source order. */
export type SelectorSource = "header" | "route_hint" | "model" | "alias" | "models" | "default_route" | "first_backend";

/** A selector compiled against the enabled backends: what the executor walks. */
export interface RoutePlan {
  selector: string;
  source: SelectorSource;
  global: GlobalOptions;
  arms: PlannedArm[];
}

export interface BackendLookup {
  backend(id: string): BackendInstance | undefined;
  /** The backend for model-only leaves. */
  defaultBackend(): BackendInstance | undefined;
}

export function isRace(target: Candidate | PlannedRace): target is PlannedRace {
  return (target as PlannedRace).type === "race";
}

function resolve(leaf: Leaf, backends: BackendLookup): Candidate {
  let backendId = leaf.backend;
  let model = leaf.model;
  // `vendor/model:variant` is a model name (OpenRouter style), not backend `vendor/model`.
  if (backendId !== undefined && backendId.includes("/") && !backends.backend(backendId)) {
    model = `${backendId}:${model}`;
    backendId = undefined;
  }
  const backend = backendId === undefined ? backends.defaultBackend() : backends.backend(backendId);
  if (!backend) {
    if (backendId === undefined) throw new LipError("not_found", `no enabled backend for model-only route '${leaf.text}'`, { code: "no_route" });
    throw new LipError("not_found", `unknown or disabled backend '${backendId}' in route '${leaf.text}'`, { code: "model_not_found", param: "model" });
  }
  return { backend, model, leaf, key: `${backend.id}:${model}` };
}

function planRace(race: Race, backends: BackendLookup): PlannedRace {
  return { type: "race", legs: race.legs.map((leg) => resolve(leg, backends)) };
}

function planWeighted(group: Weighted, backends: BackendLookup): PlannedArm {
  return {
    type: "weighted",
    key: group.key,
    branches: group.branches.map((branch) => ({
      weight: branch.weight,
      first: branch.first,
      thinker: branch.thinker,
      target: branch.target.type === "race" ? planRace(branch.target, backends) : resolve(branch.target.leaf, backends),
    })),
  };
}

/** Resolve every leaf of a parsed selector to a backend instance (unknown backends fail here). */
export function compilePlan(selector: Selector, source: SelectorSource, backends: BackendLookup): RoutePlan {
  const arms = selector.arms.map((arm): PlannedArm => {
    switch (arm.type) {
      case "leaf":
        return { type: "single", candidate: resolve(arm.leaf, backends) };
      case "weighted":
        return planWeighted(arm, backends);
      case "race":
        return planRace(arm, backends);
      default: {
        const exhaustive: never = arm;
        return exhaustive;
      }
    }
  });
  return { selector: selector.text, source, global: selector.global, arms };
}

/** Every candidate a plan may use, in order (for listings, token counting and `--explain`). */
export function planCandidates(plan: RoutePlan): Candidate[] {
  const all: Candidate[] = [];
  const add = (target: Candidate | PlannedRace) => (isRace(target) ? all.push(...target.legs) : all.push(target));
  for (const arm of plan.arms) {
    if (arm.type === "single") all.push(arm.candidate);
    else if (arm.type === "race") add(arm);
    else for (const branch of arm.branches) add(branch.target);
  }
  return all;
}
