import type { ALegRecord, AttemptRecord, ContinuityStore, StoreLimits } from "./types.ts";

interface Entry {
  leg: ALegRecord;
  /** By B-leg id, oldest first: an update is one lookup, however long the A-leg's history. */
  attempts: Map<string, AttemptRecord>;
}

/** Attempts kept per A-leg in memory; older ones drop off first. */
const maxAttemptsPerLeg = 1000;

/** The default store: bounded by `max_legs` with LRU eviction and an optional idle TTL. */
export class MemoryContinuityStore implements ContinuityStore {
  readonly kind = "memory";
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly limits: StoreLimits,
    private readonly now: () => number = Date.now,
  ) {}

  private expired(entry: Entry): boolean {
    return this.limits.ttlMs !== undefined && this.now() - entry.leg.updatedAt > this.limits.ttlMs;
  }

  private touch(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    if (this.expired(entry)) return undefined;
    this.entries.set(id, entry);
    return entry;
  }

  private evict(): void {
    while (this.entries.size > this.limits.maxLegs) this.entries.delete(this.entries.keys().next().value!);
    // Map order is least recently used first, so expired entries sit at the front.
    for (const [id, entry] of this.entries) {
      if (!this.expired(entry)) break;
      this.entries.delete(id);
    }
  }

  getALeg(id: string): ALegRecord | undefined {
    const entry = this.touch(id);
    return entry ? { ...entry.leg, routeState: { ...entry.leg.routeState } } : undefined;
  }

  putALeg(record: ALegRecord): void {
    const entry = this.touch(record.id);
    const leg = { ...record, routeState: { ...record.routeState } };
    if (entry) entry.leg = leg;
    else this.entries.set(record.id, { leg, attempts: new Map() });
    this.evict();
  }

  putAttempt(record: AttemptRecord): void {
    const entry = this.entries.get(record.aLegId);
    if (!entry) return;
    const { attempts } = entry;
    const known = attempts.has(record.bLegId);
    attempts.set(record.bLegId, { ...record });
    if (!known && attempts.size > maxAttemptsPerLeg) attempts.delete(attempts.keys().next().value!);
  }

  listAttempts(aLegId: string, limit: number): AttemptRecord[] {
    const entry = this.touch(aLegId);
    return entry ? [...entry.attempts.values()].slice(-limit).map((attempt) => ({ ...attempt })) : [];
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    this.entries.clear();
  }
}
