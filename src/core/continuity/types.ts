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

/**
 * Where lineage lives. Every method is async so a networked store (Postgres) fits behind the
 * same interface; the memory and SQLite stores answer at once.
 */
export interface ContinuityStore {
  readonly kind: string;
  getALeg(id: string): Promise<ALegRecord | undefined>;
  putALeg(record: ALegRecord): Promise<void>;
  /** Insert or update by `bLegId`. */
  putAttempt(record: AttemptRecord): Promise<void>;
  /** An A-leg's attempts in B-leg order, at most `limit` (the most recent ones). */
  listAttempts(aLegId: string, limit: number): Promise<AttemptRecord[]>;
  close(): Promise<void>;
}

export interface StoreLimits {
  /** Most A-legs kept; the least recently used go first. */
  maxLegs: number;
  /** Forget A-legs idle longer than this (milliseconds); absent = keep until evicted. */
  ttlMs?: number;
}
