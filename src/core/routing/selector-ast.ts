import type { ReasoningEffort } from "../model/call.ts";

/**
 * The compiled shape of a route selector. Positions are 0-based offsets into the selector text
 * (after aliases), so errors and `routes --explain` can point at the source.
 */

/** Route params from a leaf's `?query`: they override the body's options for that leaf only. */
export interface RouteParams {
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  reasoningEffort?: ReasoningEffort;
  verbosity?: "low" | "medium" | "high";
  parallelToolCalls?: boolean;
}

/** One place a request may go, as written: `[annotations]backend:model?query`. */
export interface Leaf {
  /** Absent for a model-only leaf (the default backend is filled in by the planner). */
  backend?: string;
  model: string;
  params: RouteParams;
  /** Per-attempt time-to-first-token budget; expiry is a recoverable failure. */
  ttftTimeoutMs?: number;
  /** Race legs only: seconds of head start over legs with a lower handicap. */
  handicapMs?: number;
  minContext?: number;
  maxContext?: number;
  position: number;
  /** The leaf's own text without annotations, e.g. `openai:gpt-4o?temperature=0`. */
  text: string;
}

/** Parallel legs started together (after their handicap delays); the first to answer wins. */
export interface Race {
  type: "race";
  legs: Leaf[];
  position: number;
}

export interface WeightedBranch {
  weight: number;
  /** Used for the first turn of an A-leg (at most one per group). */
  first: boolean;
  /** The branch a thinker cycle visits once per round (at most one per group). */
  thinker: boolean;
  target: { type: "leaf"; leaf: Leaf } | Race;
  position: number;
}

export interface Weighted {
  type: "weighted";
  branches: WeightedBranch[];
  position: number;
  /** Stable identity of the group within its selector, for affinity and thinker cursors. */
  key: string;
}

/** One failover arm: tried left to right until one commits output. */
export type Arm = { type: "leaf"; leaf: Leaf } | Weighted | Race;

export type Affinity = "session" | "client";

export interface GlobalOptions {
  /** Budget for the whole pre-output phase across attempts; expiry ends the request. */
  ttftTimeoutMs?: number;
  affinity?: Affinity;
}

export interface Selector {
  global: GlobalOptions;
  arms: Arm[];
  /** The text that was parsed (after aliases). */
  text: string;
}

export const maxRaceLegs = 16;
