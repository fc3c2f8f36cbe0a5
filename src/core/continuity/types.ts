import type { AttemptRecord } from "../executor/types.ts";

export type { AttemptRecord } from "../executor/types.ts";

/** How a request was tied to its conversation. */
export type ALegIdentity = "a_leg_header" | "session_header" | "fingerprint" | "fresh";

/** One client conversation (the A-leg of the B2BUA picture). */
export interface ALegRecord {
  id: string;
  createdAt: number;
  updatedAt: number;
  identity: ALegIdentity;
  /** Turns that committed output. */
  turns: number;
  /** B-legs numbered so far (the next attempt gets `attempts + 1`). */
  attempts: number;
  /** Routing memory that belongs to the conversation (thinker cycle cursors). */
  routeState: Record<string, number>;
}

/** A store may answer at once (memory, SQLite) or later (a networked store). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Where lineage lives. A networked store (Postgres) answers with promises; the memory and SQLite
 * stores answer at once, so the request path pays no promise and no microtask for them.
 */
export interface ContinuityStore {
  readonly kind: string;
  getALeg(id: string): MaybePromise<ALegRecord | undefined>;
  putALeg(record: ALegRecord): MaybePromise<void>;
  /** Insert or update by `bLegId`. */
  putAttempt(record: AttemptRecord): MaybePromise<void>;
  /** An A-leg's attempts in B-leg order, at most `limit` (the most recent ones). */
  listAttempts(aLegId: string, limit: number): MaybePromise<AttemptRecord[]>;
  close(): MaybePromise<void>;
}

export interface StoreLimits {
  /** Most A-legs kept; the least recently used go first. */
  maxLegs: number;
  /** Forget A-legs idle longer than this (milliseconds); absent = keep until evicted. */
  ttlMs?: number;
}
